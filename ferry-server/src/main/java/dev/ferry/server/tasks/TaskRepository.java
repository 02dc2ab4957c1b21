package dev.ferry.server.tasks;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code tasks} table: the API resource and, through the lease columns, the durable work
 * queue. Every write by a worker is guarded by {@code lease_owner = :me}, so a worker that lost
 * its lease can never overwrite what the new holder did.
 */
public final class TaskRepository {

    private static final String COLUMNS = "id, type, status, owner, input, result, message, image_id, request_id, "
            + "user_id, created_at, updated_at, expires_at, attempts, bytes_done, bytes_total";
    /** What a list entry (Glance's task stub) shows: no input, result, message or progress. */
    private static final String LIST_COLUMNS = "id, type, status, owner, created_at, updated_at, expires_at";
    // Rows are read by column index: a lookup by name makes H2 build a name map per result set.
    private static final int ID = column(COLUMNS, "id"), TYPE = column(COLUMNS, "type"),
            STATUS = column(COLUMNS, "status"), OWNER = column(COLUMNS, "owner"), INPUT = column(COLUMNS, "input"),
            RESULT = column(COLUMNS, "result"), MESSAGE = column(COLUMNS, "message"),
            IMAGE_ID = column(COLUMNS, "image_id"), REQUEST_ID = column(COLUMNS, "request_id"),
            USER_ID = column(COLUMNS, "user_id"), CREATED_AT = column(COLUMNS, "created_at"),
            UPDATED_AT = column(COLUMNS, "updated_at"), EXPIRES_AT = column(COLUMNS, "expires_at"),
            ATTEMPTS = column(COLUMNS, "attempts"), BYTES_DONE = column(COLUMNS, "bytes_done"),
            BYTES_TOTAL = column(COLUMNS, "bytes_total");
    private static final int L_ID = column(LIST_COLUMNS, "id"), L_TYPE = column(LIST_COLUMNS, "type"),
            L_STATUS = column(LIST_COLUMNS, "status"), L_OWNER = column(LIST_COLUMNS, "owner"),
            L_CREATED_AT = column(LIST_COLUMNS, "created_at"), L_UPDATED_AT = column(LIST_COLUMNS, "updated_at"),
            L_EXPIRES_AT = column(LIST_COLUMNS, "expires_at");

    private final Jdbi jdbi;
    private final JsonMapper json;

    public TaskRepository(Jdbi jdbi, JsonMapper json) {
        this.jdbi = jdbi;
        this.json = json;
    }

    /** A task claimed by a worker: it now holds the lease until it finishes or stops renewing. */
    public record Claim(Task task, String leaseOwner, int attempt) {
    }

    /** What {@link #claimNext} found. */
    public sealed interface ClaimOutcome {
        /** Nothing to do. */
        record None() implements ClaimOutcome {
        }

        /** A task to run. */
        record Claimed(Claim claim) implements ClaimOutcome {
        }

        /** A task whose lease expired too often: failed instead of claimed. */
        record Exhausted(UUID taskId, TaskType type, int attempts) implements ClaimOutcome {
        }
    }

    public void insert(Task t) {
        jdbi.useHandle(h -> insert(h, t));
    }

    /** Inserts inside the caller's transaction (an image import locks its image in the same one). */
    public void insert(Handle h, Task t) {
        h.createUpdate("INSERT INTO tasks (" + COLUMNS + ", lease_owner, lease_expires) VALUES "
                        + "(:id, :type, :status, :owner, :input, :result, :message, :image_id, :request_id, :user_id, "
                        + ":created_at, :updated_at, :expires_at, :attempts, :bytes_done, :bytes_total, NULL, NULL)")
                .bind("id", t.id().toString())
                .bind("type", t.type().value())
                .bind("status", t.status().value())
                .bind("owner", t.owner())
                .bind("input", t.input())
                .bind("result", t.result())
                .bind("message", t.message())
                .bind("image_id", t.imageId())
                .bind("request_id", t.requestId())
                .bind("user_id", t.userId())
                .bind("created_at", t.createdAt().toEpochMilli())
                .bind("updated_at", t.updatedAt().toEpochMilli())
                .bind("expires_at", t.expiresAt() == null ? null : t.expiresAt().toEpochMilli())
                .bind("attempts", t.attempts())
                .bind("bytes_done", t.progress() == null ? null : t.progress().bytesDone())
                .bind("bytes_total", t.progress() == null ? null : t.progress().bytesTotal())
                .execute();
    }

    /**
     * The unexpired tasks of an image, newest first, whole; only those of {@code owner} unless it
     * is null (bounded: an image has few tasks, and at most {@code limit} are read).
     */
    public List<Task> listForImage(String imageId, String owner, Instant now, int limit) {
        return jdbi.withHandle(h -> {
            Query q = h.createQuery("SELECT " + COLUMNS + " FROM tasks WHERE image_id = :image_id"
                            + (owner == null ? "" : " AND owner = :owner")
                            + " AND (expires_at IS NULL OR expires_at > :now) ORDER BY created_at DESC, id DESC"
                            + " FETCH FIRST :limit ROWS ONLY")
                    .bind("image_id", imageId)
                    .bind("now", now.toEpochMilli())
                    .bind("limit", limit);
            if (owner != null) {
                q.bind("owner", owner);
            }
            return q.map((rs, ctx) -> map(rs)).list();
        });
    }

    public Optional<Task> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM tasks WHERE id = :id")
                .bind("id", id.toString())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    /**
     * A page of tasks as list entries show them: {@code input}, {@code result}, {@code message},
     * progress, request and user ids are not read (null, "" and 0 in the returned tasks).
     */
    public List<Task> list(TaskQuery q) {
        if (q.limit() == 0) {
            return List.of();
        }
        String key = sortExpression(q.sortKey());
        String dir = q.ascending() ? "ASC" : "DESC";
        String cmp = q.ascending() ? ">" : "<";
        StringBuilder sql = new StringBuilder("SELECT " + LIST_COLUMNS + " FROM tasks WHERE 1 = 1");
        if (q.visibleOwner() != null) {
            sql.append(" AND owner = :visible_owner");
        }
        if (q.status() != null) {
            sql.append(" AND status = :status");
        }
        if (q.type() != null) {
            sql.append(" AND type = :type");
        }
        for (String column : q.columnFilters().keySet()) {
            sql.append(" AND ").append(column).append(" = :f_").append(column); // column names are whitelisted
        }
        if (q.marker() != null) {
            sql.append(" AND (").append(key).append(' ').append(cmp).append(" :m_key OR (").append(key)
                    .append(" = :m_key AND (created_at ").append(cmp).append(" :m_created OR (created_at = :m_created")
                    .append(" AND id ").append(cmp).append(" :m_id))))");
        }
        sql.append(" ORDER BY ");
        if (q.sortKey() == TaskQuery.SortKey.CREATED_AT && q.visibleOwner() != null) {
            // constant under the filter; lets H2 read index tasks_owner_created_id in order too
            sql.append("owner ").append(dir).append(", ");
        }
        if (q.sortKey() != TaskQuery.SortKey.CREATED_AT) {
            sql.append(key).append(' ').append(dir).append(", ");
        }
        // created_at, id: the order of index tasks_created_id (V6), scanned forwards or backwards
        sql.append("created_at ").append(dir).append(", id ").append(dir).append(" FETCH FIRST :limit ROWS ONLY");
        return jdbi.withHandle(h -> {
            Query query = h.createQuery(sql.toString());
            if (q.visibleOwner() != null) {
                query.bind("visible_owner", q.visibleOwner());
            }
            if (q.status() != null) {
                query.bind("status", q.status().value());
            }
            if (q.type() != null) {
                query.bind("type", q.type().value());
            }
            for (Map.Entry<String, String> f : q.columnFilters().entrySet()) {
                query.bind("f_" + f.getKey(), f.getValue());
            }
            if (q.marker() != null) {
                bindSortValue(query, q.sortKey(), q.marker());
                query.bind("m_created", q.marker().createdAt().toEpochMilli());
                query.bind("m_id", q.marker().id().toString());
            }
            return query.bind("limit", q.limit()).map((rs, ctx) -> mapListed(rs)).list();
        });
    }

    private static String sortExpression(TaskQuery.SortKey key) {
        return switch (key) {
            // a total order with no NULLs, identical on H2 and PostgreSQL
            case EXPIRES_AT -> "COALESCE(expires_at, 9223372036854775807)";
            default -> key.value();
        };
    }

    private static void bindSortValue(Query query, TaskQuery.SortKey key, Task m) {
        switch (key) {
            case CREATED_AT -> query.bind("m_key", m.createdAt().toEpochMilli());
            case UPDATED_AT -> query.bind("m_key", m.updatedAt().toEpochMilli());
            case EXPIRES_AT -> query.bind("m_key", m.expiresAt() == null ? Long.MAX_VALUE : m.expiresAt().toEpochMilli());
            case STATUS -> query.bind("m_key", m.status().value());
            case TYPE -> query.bind("m_key", m.type().value());
            case ID -> query.bind("m_key", m.id().toString());
        }
    }

    /**
     * Claims the oldest runnable task: pending, or processing with an expired lease (its worker
     * died). A task whose attempts are used up is failed instead. SELECT ... FOR UPDATE SKIP
     * LOCKED then UPDATE in one transaction: the same SQL on H2 and PostgreSQL.
     */
    public ClaimOutcome claimNext(String me, Instant now, Instant leaseUntil, int maxAttempts, Instant expiresAt) {
        return jdbi.inTransaction(h -> {
            Optional<Map<String, Object>> row = h.createQuery("SELECT id, type, status, attempts FROM tasks "
                            + "WHERE status = 'pending' OR (status = 'processing' AND lease_expires < :now) "
                            + "ORDER BY created_at, id FETCH FIRST 1 ROWS ONLY FOR UPDATE SKIP LOCKED")
                    .bind("now", now.toEpochMilli())
                    .mapToMap()
                    .findOne();
            if (row.isEmpty()) {
                return new ClaimOutcome.None();
            }
            String id = (String) row.get().get("id");
            int attempts = ((Number) row.get().get("attempts")).intValue();
            if (attempts >= maxAttempts) {
                h.createUpdate("UPDATE tasks SET status = 'failure', message = :message, updated_at = :now, "
                                + "expires_at = :expires, lease_owner = NULL, lease_expires = NULL WHERE id = :id")
                        .bind("message", "Task failed after " + attempts + " attempts: each time, the node "
                                + "processing it stopped before finishing (its lease expired).")
                        .bind("now", now.toEpochMilli())
                        .bind("expires", expiresAt.toEpochMilli())
                        .bind("id", id)
                        .execute();
                TaskType type = TaskType.parse((String) row.get().get("type")).orElse(null);
                return new ClaimOutcome.Exhausted(UUID.fromString(id), type, attempts);
            }
            h.createUpdate("UPDATE tasks SET status = 'processing', lease_owner = :me, lease_expires = :until, "
                            + "attempts = attempts + 1, updated_at = :now, bytes_done = NULL, bytes_total = NULL "
                            + "WHERE id = :id")
                    .bind("me", me)
                    .bind("until", leaseUntil.toEpochMilli())
                    .bind("now", now.toEpochMilli())
                    .bind("id", id)
                    .execute();
            Task task = h.createQuery("SELECT " + COLUMNS + " FROM tasks WHERE id = :id")
                    .bind("id", id)
                    .map((rs, ctx) -> map(rs))
                    .one();
            return new ClaimOutcome.Claimed(new Claim(task, me, task.attempts()));
        });
    }

    /** Extends the lease; false if this worker no longer holds it. */
    public boolean renewLease(UUID id, String me, Instant until) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE tasks SET lease_expires = :until "
                        + "WHERE id = :id AND lease_owner = :me AND status = 'processing'")
                .bind("until", until.toEpochMilli())
                .bind("id", id.toString())
                .bind("me", me)
                .execute()) == 1;
    }

    /** Records progress; false if this worker no longer holds the lease. */
    public boolean saveProgress(UUID id, String me, TaskProgress progress, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE tasks SET bytes_done = :done, bytes_total = :total, "
                        + "updated_at = :now WHERE id = :id AND lease_owner = :me AND status = 'processing'")
                .bind("done", progress.bytesDone())
                .bind("total", progress.bytesTotal())
                .bind("now", now.toEpochMilli())
                .bind("id", id.toString())
                .bind("me", me)
                .execute()) == 1;
    }

    /**
     * Moves a claimed task to its terminal state inside the caller's transaction; false (nothing
     * written) if this worker no longer holds the lease.
     */
    public boolean finish(Handle h, UUID id, String me, TaskStatus status, ObjectNode result, String message,
                          Instant now, Instant expiresAt) {
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("not terminal: " + status);
        }
        return h.createUpdate("UPDATE tasks SET status = :status, result = :result, message = :message, "
                        + "updated_at = :now, expires_at = :expires, lease_owner = NULL, lease_expires = NULL "
                        + "WHERE id = :id AND lease_owner = :me AND status = 'processing'")
                .bind("status", status.value())
                .bind("result", result == null ? null : json.writeValueAsString(result))
                .bind("message", message)
                .bind("now", now.toEpochMilli())
                .bind("expires", expiresAt.toEpochMilli())
                .bind("id", id.toString())
                .bind("me", me)
                .execute() == 1;
    }

    public boolean finish(UUID id, String me, TaskStatus status, ObjectNode result, String message, Instant now,
                          Instant expiresAt) {
        return jdbi.inTransaction(h -> finish(h, id, me, status, result, message, now, expiresAt));
    }

    /** Gives a claimed task back to the queue (graceful shutdown); the attempt does not count. */
    public boolean release(UUID id, String me, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE tasks SET status = 'pending', lease_owner = NULL, "
                        + "lease_expires = NULL, attempts = attempts - 1, updated_at = :now, bytes_done = NULL, "
                        + "bytes_total = NULL WHERE id = :id AND lease_owner = :me AND status = 'processing'")
                .bind("now", now.toEpochMilli())
                .bind("id", id.toString())
                .bind("me", me)
                .execute()) == 1;
    }

    /** Removes terminal tasks whose expires_at has passed; returns how many. */
    public int deleteExpired(Instant now, int batch) {
        return jdbi.withHandle(h -> {
            List<String> ids = h.createQuery("SELECT id FROM tasks WHERE expires_at < :now "
                            + "ORDER BY expires_at FETCH FIRST :batch ROWS ONLY")
                    .bind("now", now.toEpochMilli())
                    .bind("batch", batch)
                    .mapTo(String.class)
                    .list();
            if (ids.isEmpty()) {
                return 0;
            }
            return h.createUpdate("DELETE FROM tasks WHERE id IN (<ids>) AND expires_at < :now")
                    .bindList("ids", new ArrayList<>(ids))
                    .bind("now", now.toEpochMilli())
                    .execute();
        });
    }

    /** A task as a list shows it: input, result, message, progress and request data left out. */
    private static Task mapListed(ResultSet rs) throws SQLException {
        long expires = rs.getLong(L_EXPIRES_AT);
        boolean noExpiry = rs.wasNull();
        return new Task(UUID.fromString(rs.getString(L_ID)),
                TaskType.parse(rs.getString(L_TYPE)).orElseThrow(),
                TaskStatus.parse(rs.getString(L_STATUS)).orElseThrow(),
                rs.getString(L_OWNER), null, null, "",
                Instant.ofEpochMilli(rs.getLong(L_CREATED_AT)),
                Instant.ofEpochMilli(rs.getLong(L_UPDATED_AT)),
                noExpiry ? null : Instant.ofEpochMilli(expires),
                null, null, null, null, 0);
    }

    private Task map(ResultSet rs) throws SQLException {
        long expires = rs.getLong(EXPIRES_AT);
        boolean noExpiry = rs.wasNull();
        long done = rs.getLong(BYTES_DONE);
        boolean noProgress = rs.wasNull();
        long total = rs.getLong(BYTES_TOTAL);
        return new Task(UUID.fromString(rs.getString(ID)),
                TaskType.parse(rs.getString(TYPE)).orElseThrow(),
                TaskStatus.parse(rs.getString(STATUS)).orElseThrow(),
                rs.getString(OWNER),
                rs.getString(INPUT),
                rs.getString(RESULT),
                rs.getString(MESSAGE),
                Instant.ofEpochMilli(rs.getLong(CREATED_AT)),
                Instant.ofEpochMilli(rs.getLong(UPDATED_AT)),
                noExpiry ? null : Instant.ofEpochMilli(expires),
                rs.getString(REQUEST_ID),
                rs.getString(USER_ID),
                rs.getString(IMAGE_ID),
                noProgress ? null : new TaskProgress(done, total),
                rs.getInt(ATTEMPTS));
    }

    /** The 1-based JDBC index of {@code name} in a comma-separated column list. */
    static int column(String columns, String name) {
        int i = java.util.Arrays.asList(columns.split(", ")).indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(name + " not in " + columns);
        }
        return i + 1;
    }

}
