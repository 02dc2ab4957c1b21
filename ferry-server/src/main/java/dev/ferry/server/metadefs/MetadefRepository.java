package dev.ferry.server.metadefs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;

/**
 * The {@code metadef_*} tables. Every write that must see a consistent namespace runs in one
 * transaction the service opens with {@link #inTransaction}; the unique keys are the last word on
 * names taken concurrently (the service turns their violation into a 409).
 */
public final class MetadefRepository {

    private final Jdbi jdbi;

    public MetadefRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Work on one handle inside a transaction. A unique key violated by a concurrent writer (SQLState
     * 23505 on both databases) becomes a {@link MetadefConflictException}; a value the column cannot
     * hold (22001: longer than the column in the database's own count, which for H2 is UTF-16 units
     * where the schemas count code points; 22021: a NUL PostgreSQL refuses) a
     * {@link MetadefInvalidException}. Either way the transaction is rolled back whole.
     */
    public <T> T inTransaction(java.util.function.Function<Handle, T> work) {
        try {
            return jdbi.inTransaction(work::apply);
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            String state = e.getCause() instanceof SQLException sql ? sql.getSQLState() : null;
            if ("23505".equals(state)) {
                throw new MetadefConflictException("The name is already taken.");
            }
            if ("22001".equals(state) || "22021".equals(state)) {
                throw new MetadefInvalidException("A value is too long for its field or contains a character "
                        + "that cannot be stored.");
            }
            throw e;
        }
    }

    // --- namespaces

    public Optional<Namespace> namespace(Handle h, String name) {
        return namespace(h, name, false);
    }

    /**
     * The namespace; with {@code forUpdate} its row stays locked until the transaction ends, so that
     * a write inside it and a delete of the namespace, or two writes counting against one bound,
     * run one after the other (no child rows of a deleted namespace, no bound overshot).
     */
    public Optional<Namespace> namespace(Handle h, String name, boolean forUpdate) {
        return h.createQuery("SELECT * FROM metadef_namespaces WHERE namespace = :n" + (forUpdate ? " FOR UPDATE" : ""))
                .bind("n", name).map((rs, ctx) -> namespace(rs)).findOne();
    }

    /**
     * Namespaces in {@code created_at} order (then name) after the marker, at most {@code limit}:
     * all of them when {@code project} is null (admins), else the public ones and the project's.
     */
    public List<Namespace> namespaces(Handle h, String project, String visibility, List<String> resourceTypes,
                                      Namespace marker, boolean ascending, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM metadef_namespaces n WHERE 1 = 1");
        if (project != null) {
            sql.append(" AND (n.visibility = 'public' OR n.owner = :project)");
        }
        if (visibility != null) {
            sql.append(" AND n.visibility = :visibility");
        }
        for (int i = 0; i < resourceTypes.size(); i++) {
            sql.append(" AND EXISTS (SELECT 1 FROM metadef_namespace_resource_types a WHERE a.namespace_id = n.id"
                    + " AND a.resource_type = :rt").append(i).append(')');
        }
        String cmp = ascending ? ">" : "<";
        if (marker != null) {
            sql.append(" AND (n.created_at ").append(cmp).append(" :mt OR (n.created_at = :mt AND n.namespace ")
                    .append(cmp).append(" :mn))");
        }
        String dir = ascending ? "ASC" : "DESC";
        sql.append(" ORDER BY n.created_at ").append(dir).append(", n.namespace ").append(dir).append(" LIMIT :limit");
        var q = h.createQuery(sql.toString()).bind("limit", limit);
        if (project != null) {
            q.bind("project", project);
        }
        if (visibility != null) {
            q.bind("visibility", visibility);
        }
        for (int i = 0; i < resourceTypes.size(); i++) {
            q.bind("rt" + i, resourceTypes.get(i));
        }
        if (marker != null) {
            q.bind("mt", marker.createdAt().toEpochMilli()).bind("mn", marker.namespace());
        }
        return q.map((rs, ctx) -> namespace(rs)).list();
    }

    public int countNamespaces(Handle h) {
        return h.createQuery("SELECT COUNT(*) FROM metadef_namespaces").mapTo(Integer.class).one();
    }

    public void insert(Handle h, Namespace n) {
        bindColumns(h.createUpdate("INSERT INTO metadef_namespaces (id, namespace, display_name, description, visibility, protected, "
                        + "owner, created_at, updated_at) VALUES (:id, :namespace, :display_name, :description, :visibility, "
                        + ":protected, :owner, :created_at, :updated_at)"), n)
                .bind("created_at", n.createdAt().toEpochMilli())
                .execute();
    }

    public void update(Handle h, Namespace n) {
        bindColumns(h.createUpdate("UPDATE metadef_namespaces SET namespace = :namespace, display_name = :display_name, "
                        + "description = :description, visibility = :visibility, protected = :protected, owner = :owner, "
                        + "updated_at = :updated_at WHERE id = :id"), n)
                .execute();
    }

    /** The columns an insert and an update of a namespace both set. */
    private static Update bindColumns(Update u, Namespace n) {
        return u.bind("id", n.id().toString())
                .bind("namespace", n.namespace())
                .bind("display_name", n.displayName())
                .bind("description", n.description())
                .bind("visibility", n.visibility())
                .bind("protected", n.isProtected())
                .bind("owner", n.owner())
                .bind("updated_at", n.updatedAt().toEpochMilli());
    }

    /** Deletes the namespace with everything in it. */
    public void delete(Handle h, Namespace n) {
        String id = n.id().toString();
        for (String table : List.of("metadef_namespace_resource_types", "metadef_objects", "metadef_properties",
                "metadef_tags")) {
            h.createUpdate("DELETE FROM " + table + " WHERE namespace_id = :id").bind("id", id).execute();
        }
        h.createUpdate("DELETE FROM metadef_namespaces WHERE id = :id").bind("id", id).execute();
    }

    private static Namespace namespace(ResultSet rs) throws SQLException {
        return new Namespace(UUID.fromString(rs.getString("id")), rs.getString("namespace"), rs.getString("display_name"),
                rs.getString("description"), rs.getString("visibility"), rs.getBoolean("protected"),
                rs.getString("owner"), Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }

    // --- resource types and associations

    public List<ResourceType> resourceTypes(Handle h) {
        return h.createQuery("SELECT * FROM metadef_resource_types ORDER BY created_at, name")
                .map((rs, ctx) -> {
                    long updated = rs.getLong("updated_at");
                    return new ResourceType(rs.getString("name"), Instant.ofEpochMilli(rs.getLong("created_at")),
                            rs.wasNull() ? null : Instant.ofEpochMilli(updated));
                }).list();
    }

    public int countResourceTypes(Handle h) {
        return h.createQuery("SELECT COUNT(*) FROM metadef_resource_types").mapTo(Integer.class).one();
    }

    /** Adds the resource type unless it exists (Glance creates the ones an association names). */
    public void ensureResourceType(Handle h, String name, Instant now) {
        boolean exists = h.createQuery("SELECT COUNT(*) FROM metadef_resource_types WHERE name = :n").bind("n", name)
                .mapTo(Integer.class).one() > 0;
        if (!exists) {
            h.createUpdate("INSERT INTO metadef_resource_types (name, protected, created_at) VALUES (:n, FALSE, :t)")
                    .bind("n", name).bind("t", now.toEpochMilli()).execute();
        }
    }

    public boolean resourceTypeExists(Handle h, String name) {
        return h.createQuery("SELECT COUNT(*) FROM metadef_resource_types WHERE name = :n").bind("n", name)
                .mapTo(Integer.class).one() > 0;
    }

    public List<Association> associations(Handle h, Namespace n) {
        return h.createQuery("SELECT * FROM metadef_namespace_resource_types WHERE namespace_id = :id "
                        + "ORDER BY created_at, resource_type")
                .bind("id", n.id().toString())
                .map((rs, ctx) -> new Association(rs.getString("resource_type"), rs.getString("prefix"),
                        rs.getString("properties_target"), Instant.ofEpochMilli(rs.getLong("created_at")),
                        Instant.ofEpochMilli(rs.getLong("updated_at"))))
                .list();
    }

    public void insert(Handle h, Namespace n, Association a) {
        h.createUpdate("INSERT INTO metadef_namespace_resource_types (namespace_id, resource_type, properties_target, "
                        + "prefix, created_at, updated_at) VALUES (:id, :rt, :target, :prefix, :c, :u)")
                .bind("id", n.id().toString()).bind("rt", a.name()).bind("target", a.propertiesTarget())
                .bind("prefix", a.prefix()).bind("c", a.createdAt().toEpochMilli()).bind("u", a.updatedAt().toEpochMilli())
                .execute();
    }

    public boolean deleteAssociation(Handle h, Namespace n, String resourceType) {
        return h.createUpdate("DELETE FROM metadef_namespace_resource_types WHERE namespace_id = :id AND resource_type = :rt")
                .bind("id", n.id().toString()).bind("rt", resourceType).execute() > 0;
    }

    // --- objects and properties (same shape, two tables)

    /** Which table a {@link Definition} lives in. */
    public enum Kind {
        OBJECT("metadef_objects"), PROPERTY("metadef_properties");

        private final String table;

        Kind(String table) {
            this.table = table;
        }
    }

    public List<Definition> definitions(Handle h, Kind kind, Namespace n) {
        return h.createQuery("SELECT * FROM " + kind.table + " WHERE namespace_id = :id ORDER BY created_at, name")
                .bind("id", n.id().toString()).map((rs, ctx) -> definition(rs)).list();
    }

    public Optional<Definition> definition(Handle h, Kind kind, Namespace n, String name) {
        return h.createQuery("SELECT * FROM " + kind.table + " WHERE namespace_id = :id AND name = :name")
                .bind("id", n.id().toString()).bind("name", name).map((rs, ctx) -> definition(rs)).findOne();
    }

    public int count(Handle h, Kind kind, Namespace n) {
        return h.createQuery("SELECT COUNT(*) FROM " + kind.table + " WHERE namespace_id = :id")
                .bind("id", n.id().toString()).mapTo(Integer.class).one();
    }

    public void insert(Handle h, Kind kind, Namespace n, Definition d) {
        h.createUpdate("INSERT INTO " + kind.table + " (namespace_id, name, document, created_at, updated_at) "
                        + "VALUES (:id, :name, :doc, :c, :u)")
                .bind("id", n.id().toString()).bind("name", d.name()).bind("doc", d.document())
                .bind("c", d.createdAt().toEpochMilli()).bind("u", d.updatedAt().toEpochMilli()).execute();
    }

    /** Replaces the definition called {@code oldName} (which may be renamed). */
    public void update(Handle h, Kind kind, Namespace n, String oldName, Definition d) {
        h.createUpdate("UPDATE " + kind.table + " SET name = :name, document = :doc, updated_at = :u "
                        + "WHERE namespace_id = :id AND name = :old")
                .bind("id", n.id().toString()).bind("old", oldName).bind("name", d.name()).bind("doc", d.document())
                .bind("u", d.updatedAt().toEpochMilli()).execute();
    }

    public boolean delete(Handle h, Kind kind, Namespace n, String name) {
        return h.createUpdate("DELETE FROM " + kind.table + " WHERE namespace_id = :id AND name = :name")
                .bind("id", n.id().toString()).bind("name", name).execute() > 0;
    }

    private static Definition definition(ResultSet rs) throws SQLException {
        return new Definition(rs.getString("name"), rs.getString("document"),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")));
    }

    // --- tags

    static String key(String tag) {
        return tag.toLowerCase(Locale.ROOT);
    }

    /** Newest first, as Glance lists them by default. */
    public List<Tag> tags(Handle h, Namespace n) {
        return h.createQuery("SELECT * FROM metadef_tags WHERE namespace_id = :id ORDER BY created_at DESC, name_key DESC")
                .bind("id", n.id().toString()).map((rs, ctx) -> tag(rs)).list();
    }

    public Optional<Tag> tag(Handle h, Namespace n, String name) {
        return h.createQuery("SELECT * FROM metadef_tags WHERE namespace_id = :id AND name_key = :k")
                .bind("id", n.id().toString()).bind("k", key(name)).map((rs, ctx) -> tag(rs)).findOne();
    }

    public int countTags(Handle h, Namespace n) {
        return h.createQuery("SELECT COUNT(*) FROM metadef_tags WHERE namespace_id = :id")
                .bind("id", n.id().toString()).mapTo(Integer.class).one();
    }

    public void insert(Handle h, Namespace n, Tag t) {
        h.createUpdate("INSERT INTO metadef_tags (namespace_id, name_key, name, created_at, updated_at) "
                        + "VALUES (:id, :k, :name, :c, :u)")
                .bind("id", n.id().toString()).bind("k", key(t.name())).bind("name", t.name())
                .bind("c", t.createdAt().toEpochMilli()).bind("u", t.updatedAt().toEpochMilli()).execute();
    }

    public void rename(Handle h, Namespace n, String oldName, Tag t) {
        h.createUpdate("UPDATE metadef_tags SET name_key = :k, name = :name, updated_at = :u "
                        + "WHERE namespace_id = :id AND name_key = :old")
                .bind("id", n.id().toString()).bind("old", key(oldName)).bind("k", key(t.name())).bind("name", t.name())
                .bind("u", t.updatedAt().toEpochMilli()).execute();
    }

    public boolean deleteTag(Handle h, Namespace n, String name) {
        return h.createUpdate("DELETE FROM metadef_tags WHERE namespace_id = :id AND name_key = :k")
                .bind("id", n.id().toString()).bind("k", key(name)).execute() > 0;
    }

    public void deleteTags(Handle h, Namespace n) {
        h.createUpdate("DELETE FROM metadef_tags WHERE namespace_id = :id").bind("id", n.id().toString()).execute();
    }

    private static Tag tag(ResultSet rs) throws SQLException {
        return new Tag(rs.getString("name"), Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")));
    }
}
