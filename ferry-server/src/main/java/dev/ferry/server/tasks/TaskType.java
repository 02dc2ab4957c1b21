package dev.ferry.server.tasks;

import java.util.Optional;

/**
 * Task types accepted by {@code POST /v2/tasks}: Glance's {@code import} and
 * {@code api_image_import}, and Rackspace's {@code export}.
 */
public enum TaskType {
    IMPORT("import"), API_IMAGE_IMPORT("api_image_import"), EXPORT("export");

    private static final TaskType[] ALL = values(); // values() copies its array on every call
    private final String value;

    TaskType(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<TaskType> parse(String text) {
        for (TaskType t : ALL) {
            if (t.value.equals(text)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
