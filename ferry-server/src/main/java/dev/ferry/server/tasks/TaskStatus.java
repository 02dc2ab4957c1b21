package dev.ferry.server.tasks;

import java.util.Locale;
import java.util.Optional;

/** Glance's task statuses: pending → processing → success | failure, and pending → failure. */
public enum TaskStatus {
    PENDING, PROCESSING, SUCCESS, FAILURE;

    // computed once: value() and parse() run for every row a list or show reads
    private static final TaskStatus[] ALL = values();
    private final String value = name().toLowerCase(Locale.ROOT);

    /** The wire and database spelling. */
    public String value() {
        return value;
    }

    public boolean isTerminal() {
        return this == SUCCESS || this == FAILURE;
    }

    public boolean canMoveTo(TaskStatus next) {
        return switch (this) {
            case PENDING -> next == PROCESSING || next == FAILURE;
            case PROCESSING -> next == SUCCESS || next == FAILURE;
            case SUCCESS, FAILURE -> false;
        };
    }

    public static Optional<TaskStatus> parse(String text) {
        for (TaskStatus s : ALL) {
            if (s.value.equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
