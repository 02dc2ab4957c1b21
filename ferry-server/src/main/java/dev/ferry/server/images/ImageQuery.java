package dev.ferry.server.images;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A list request on images, already validated: who asks, which images, in which order, which page.
 *
 * @param viewer       the caller's project; null for an admin (who sees every image)
 * @param visibility   public | private | shared | community | all, or null for Glance's default view
 * @param memberStatus accepted | pending | rejected | all (for images shared with the viewer)
 * @param equals       column = value filters (columns from {@link #EQUALITY_COLUMNS})
 * @param in           column IN (values) filters (columns from {@link #IN_COLUMNS})
 * @param numbers      column = number filters (columns from {@link #NUMERIC_COLUMNS})
 * @param properties   custom property = value filters (exact string match, as Glance's image_properties)
 * @param times        created_at / updated_at comparisons
 * @param osHidden     null means both
 * @param sort         sort keys, most significant first; the id is always added last
 * @param marker       the last image of the previous page, or null
 */
public record ImageQuery(String viewer, String visibility, String memberStatus, Map<String, String> equals,
                         Map<String, List<String>> in, Map<String, Long> numbers, Map<String, String> properties,
                         List<TimeFilter> times, List<String> tags, Boolean isProtected,
                         Boolean osHidden, Long sizeMin, Long sizeMax, List<Sort> sort, int limit, Image marker) {

    public static final int MAX_LIMIT = 1000;
    public static final int DEFAULT_LIMIT = 25;
    public static final Set<String> EQUALITY_COLUMNS = Set.of("name", "owner", "status", "disk_format",
            "container_format", "id", "checksum", "os_hash_value");
    public static final Set<String> IN_COLUMNS = Set.of("name", "status", "disk_format", "container_format", "id");
    /** Integer columns Glance filters by equality. */
    public static final Set<String> NUMERIC_COLUMNS = Set.of("min_ram", "min_disk", "virtual_size");

    public ImageQuery {
        Objects.requireNonNull(memberStatus, "memberStatus");
        equals = Map.copyOf(equals);
        in = Map.copyOf(in);
        numbers = Map.copyOf(numbers);
        properties = Map.copyOf(properties);
        times = List.copyOf(times);
        tags = List.copyOf(tags);
        sort = List.copyOf(sort);
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit out of range: " + limit);
        }
        if (!EQUALITY_COLUMNS.containsAll(equals.keySet()) || !IN_COLUMNS.containsAll(in.keySet())
                || !NUMERIC_COLUMNS.containsAll(numbers.keySet())) {
            throw new IllegalArgumentException("filter on a column that is not allowed");
        }
    }

    /** A sort key and its direction. */
    public record Sort(SortKey key, boolean ascending) {
        public Sort {
            Objects.requireNonNull(key, "key");
        }
    }

    /** {@code created_at} or {@code updated_at} compared with an instant (epoch millis). */
    public record TimeFilter(String column, String operator, long millis) {
        public static final Map<String, String> OPERATORS = Map.of("gt", ">", "gte", ">=", "eq", "=", "neq", "<>",
                "lt", "<", "lte", "<=");

        public TimeFilter {
            if (!column.equals("created_at") && !column.equals("updated_at")) {
                throw new IllegalArgumentException("not a time column: " + column);
            }
            if (!OPERATORS.containsKey(operator)) {
                throw new IllegalArgumentException("bad operator: " + operator);
            }
        }
    }

    /** The keys Glance sorts images by. */
    public enum SortKey {
        NAME("name", "COALESCE(name, '')"),
        STATUS("status", "status"),
        CONTAINER_FORMAT("container_format", "COALESCE(container_format, '')"),
        DISK_FORMAT("disk_format", "COALESCE(disk_format, '')"),
        SIZE("size", "COALESCE(size, -1)"),
        ID("id", "id"),
        CREATED_AT("created_at", "created_at"),
        UPDATED_AT("updated_at", "updated_at");

        private final String value;
        private final String expression;

        SortKey(String value, String expression) {
            this.value = value;
            this.expression = expression;
        }

        public String value() {
            return value;
        }

        /** SQL with no NULLs, so that H2 and PostgreSQL order identically. */
        String expression() {
            return expression;
        }

        /** The marker image's value of this key, as {@link #expression()} computes it. */
        Object valueOf(Image i) {
            return switch (this) {
                case NAME -> i.name() == null ? "" : i.name();
                case STATUS -> i.status();
                case CONTAINER_FORMAT -> i.containerFormat() == null ? "" : i.containerFormat();
                case DISK_FORMAT -> i.diskFormat() == null ? "" : i.diskFormat();
                case SIZE -> i.size() == null ? -1L : i.size();
                case ID -> i.id().toString();
                case CREATED_AT -> i.createdAt().toEpochMilli();
                case UPDATED_AT -> i.updatedAt().toEpochMilli();
            };
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
