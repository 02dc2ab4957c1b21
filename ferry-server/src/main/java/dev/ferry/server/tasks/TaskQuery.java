package dev.ferry.server.tasks;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A validated list query. {@code owner} restricts to one project (null: all, for admins);
 * {@code columnFilters} are equality filters on owner, image_id, user_id, request_id.
 */
public record TaskQuery(String visibleOwner, TaskStatus status, TaskType type, Map<String, String> columnFilters,
                        SortKey sortKey, boolean ascending, int limit, Task marker) {

    public static final int MAX_LIMIT = 1000;

    public TaskQuery {
        Objects.requireNonNull(sortKey, "sortKey");
        columnFilters = Map.copyOf(columnFilters);
        for (String column : columnFilters.keySet()) {
            if (!FILTER_COLUMNS.contains(column)) {
                throw new IllegalArgumentException("not a filter column: " + column);
            }
        }
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit out of range: " + limit);
        }
    }

    /** Columns a list may be filtered on by equality, besides status and type. */
    public static final Set<String> FILTER_COLUMNS = Set.of("owner", "image_id", "user_id",
            "request_id");

    /** Sort keys Glance's API reference and python-glanceclient use. */
    public enum SortKey {
        CREATED_AT("created_at"), UPDATED_AT("updated_at"), EXPIRES_AT("expires_at"), STATUS("status"),
        TYPE("type"), ID("id");

        private final String value;

        SortKey(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }

        public static Optional<SortKey> parse(String text) {
            for (SortKey k : values()) {
                if (k.value.equals(text)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }
}
