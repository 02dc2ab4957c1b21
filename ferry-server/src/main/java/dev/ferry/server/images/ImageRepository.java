package dev.ferry.server.images;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code images} table with its {@code image_tags} and {@code image_members}. */
public final class ImageRepository {

    private static final TypeReference<Map<String, String>> PROPERTIES = new TypeReference<>() {
    };

    private final Jdbi jdbi;
    private final JsonMapper json;

    public ImageRepository(Jdbi jdbi, JsonMapper json) {
        this.jdbi = jdbi;
        this.json = json;
    }

    /** Inserts inside the caller's transaction (the import job makes the image visible with its task). */
    public void insert(Handle h, Image i) {
        h.createUpdate("INSERT INTO images (id, name, status, visibility, owner, disk_format, container_format, size, "
                        + "virtual_size, checksum, os_hash_algo, os_hash_value, location, min_ram, min_disk, protected, "
                        + "properties, created_at, updated_at, os_hidden) VALUES (:id, :name, :status, :visibility, "
                        + ":owner, :disk_format, :container_format, :size, :virtual_size, :checksum, :os_hash_algo, "
                        + ":os_hash_value, :location, :min_ram, :min_disk, :protected, :properties, :created_at, "
                        + ":updated_at, :os_hidden)")
                .bind("id", i.id().toString())
                .bind("name", i.name())
                .bind("status", i.status())
                .bind("visibility", i.visibility())
                .bind("owner", i.owner())
                .bind("disk_format", i.diskFormat())
                .bind("container_format", i.containerFormat())
                .bind("size", i.size())
                .bind("virtual_size", i.virtualSize())
                .bind("checksum", i.checksum())
                .bind("os_hash_algo", i.osHashAlgo())
                .bind("os_hash_value", i.osHashValue())
                .bind("location", i.location())
                .bind("min_ram", i.minRam())
                .bind("min_disk", i.minDisk())
                .bind("protected", i.isProtected())
                .bind("properties", json.writeValueAsString(i.properties()))
                .bind("created_at", i.createdAt().toEpochMilli())
                .bind("updated_at", i.updatedAt().toEpochMilli())
                .bind("os_hidden", i.osHidden())
                .execute();
        insertTags(h, i);
    }

    /** Inserts in its own transaction; false if an image with this id exists already. */
    public boolean insert(Image i) {
        return jdbi.inTransaction(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM images WHERE id = :id").bind("id", i.id().toString())
                    .mapTo(Integer.class).one() > 0) {
                return false;
            }
            insert(h, i);
            return true;
        });
    }

    private static void insertTags(Handle h, Image i) {
        for (String tag : i.tags()) {
            h.createUpdate("INSERT INTO image_tags (image_id, tag) VALUES (:id, :tag)")
                    .bind("id", i.id().toString()).bind("tag", tag).execute();
        }
    }

    public Optional<Image> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM images WHERE id = :id")
                .bind("id", id.toString())
                .map((rs, ctx) -> map(rs, tagsOf(h, rs.getString("id"))))
                .findOne());
    }

    private static List<String> tagsOf(Handle h, String id) {
        return h.createQuery("SELECT tag FROM image_tags WHERE image_id = :id ORDER BY tag")
                .bind("id", id).mapTo(String.class).list();
    }

    /**
     * Replaces every column and the tags of {@code changed}, if the image is still in
     * {@code expectedStatus} (a concurrent upload, status change or delete makes this return false).
     */
    public boolean update(Image changed, String expectedStatus) {
        return jdbi.inTransaction(h -> update(h, changed, expectedStatus));
    }

    /** {@link #update(Image, String)} inside the caller's transaction. */
    public boolean update(Handle h, Image changed, String expectedStatus) {
        int n = h.createUpdate("UPDATE images SET name = :name, status = :status, visibility = :visibility, "
                        + "owner = :owner, disk_format = :disk_format, container_format = :container_format, "
                        + "size = :size, virtual_size = :virtual_size, checksum = :checksum, "
                        + "os_hash_algo = :os_hash_algo, os_hash_value = :os_hash_value, location = :location, "
                        + "min_ram = :min_ram, min_disk = :min_disk, protected = :protected, "
                        + "properties = :properties, updated_at = :updated_at, os_hidden = :os_hidden "
                        + "WHERE id = :id AND status = :expected")
                .bind("id", changed.id().toString())
                .bind("expected", expectedStatus)
                .bind("name", changed.name())
                .bind("status", changed.status())
                .bind("visibility", changed.visibility())
                .bind("owner", changed.owner())
                .bind("disk_format", changed.diskFormat())
                .bind("container_format", changed.containerFormat())
                .bind("size", changed.size())
                .bind("virtual_size", changed.virtualSize())
                .bind("checksum", changed.checksum())
                .bind("os_hash_algo", changed.osHashAlgo())
                .bind("os_hash_value", changed.osHashValue())
                .bind("location", changed.location())
                .bind("min_ram", changed.minRam())
                .bind("min_disk", changed.minDisk())
                .bind("protected", changed.isProtected())
                .bind("properties", json.writeValueAsString(changed.properties()))
                .bind("updated_at", changed.updatedAt().toEpochMilli())
                .bind("os_hidden", changed.osHidden())
                .execute();
        if (n == 0) {
            return false;
        }
        h.createUpdate("DELETE FROM image_tags WHERE image_id = :id").bind("id", changed.id().toString()).execute();
        insertTags(h, changed);
        return true;
    }

    /**
     * The image, its row locked until the caller's transaction ends (read-modify-write of its
     * properties by the interoperable import, which concurrent PATCHes must not undo).
     */
    public Optional<Image> findForUpdate(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM images WHERE id = :id FOR UPDATE")
                .bind("id", id.toString())
                .map((rs, ctx) -> map(rs, tagsOf(h, rs.getString("id"))))
                .findOne();
    }

    /**
     * The importing image whose import lock property {@code lockName} holds {@code taskId}. Rare (a task abandoned after its attempts),
     * so a scan of the importing images is acceptable.
     */
    public Optional<Image> findImportLockedBy(String lockName, String taskId) {
        return findLockedBy("importing", lockName, taskId);
    }

    /** As {@link #findImportLockedBy}, for the active image a copy-image task holds. */
    public Optional<Image> findCopyLockedBy(String lockName, String taskId) {
        return findLockedBy("active", lockName, taskId);
    }

    private Optional<Image> findLockedBy(String status, String lockName, String taskId) {
        UUID.fromString(taskId); // refuses anything but a UUID
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM images WHERE status = :status "
                        + "AND properties LIKE :pattern ESCAPE '!'")
                .bind("status", status)
                .bind("pattern", propertyPattern(lockName, taskId))
                .map((rs, ctx) -> map(rs, tagsOf(h, rs.getString("id"))))
                .findFirst());
    }

    /**
     * A LIKE pattern (escape character {@code !}: Jdbi's SQL lexer reads a backslash before a quote
     * as escaping the quote) matching the properties column of an image whose property {@code key}
     * is exactly {@code value}. The column is this mapper's JSON of a flat map of strings, so the
     * pair written the same way is found in it exactly (a quote inside a key or value is escaped in
     * that text: the pattern cannot match across pairs or inside a value).
     */
    private String propertyPattern(String key, String value) {
        return "%" + likeEscaped(json.writeValueAsString(key) + ":" + json.writeValueAsString(value)) + "%";
    }

    /** {@code s} with LIKE's wildcards and its escape character escaped (escape character: {@code !}). */
    static String likeEscaped(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    /** Runs {@code work} in one transaction. */
    public <T> T inTransaction(java.util.function.Function<Handle, T> work) {
        return jdbi.inTransaction(work::apply);
    }

    // --- locations (V8: one row per store holding the image's data)

    /** Where the image's data is, oldest first. */
    public List<ImageLocation> locations(UUID id) {
        return jdbi.withHandle(h -> locations(h, id));
    }

    private static List<ImageLocation> locations(Handle h, UUID id) {
        return h.createQuery("SELECT store_id, location FROM image_locations WHERE image_id = :id "
                        + "ORDER BY created_at, store_id")
                .bind("id", id.toString())
                .map((rs, ctx) -> new ImageLocation(rs.getString(1), rs.getString(2))).list();
    }

    /** The store ids of each image of a page (for Glance's {@code stores} property), oldest location first. */
    public Map<UUID, List<String>> storeIds(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return jdbi.withHandle(h -> {
            Map<UUID, List<String>> out = new HashMap<>();
            h.createQuery("SELECT image_id, store_id FROM image_locations WHERE image_id IN (<ids>) "
                            + "ORDER BY created_at, store_id")
                    .bindList("ids", ids.stream().map(UUID::toString).toList())
                    .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
                    .forEach(r -> out.computeIfAbsent(UUID.fromString(r[0]), k -> new ArrayList<>()).add(r[1]));
            return out;
        });
    }

    /** Records (or re-records) that the image's data is in {@code storeId} under {@code key}, in the caller's transaction. */
    public void addLocation(Handle h, UUID id, String storeId, String key, Instant now) {
        h.createUpdate("DELETE FROM image_locations WHERE image_id = :id AND store_id = :s")
                .bind("id", id.toString()).bind("s", storeId).execute();
        h.createUpdate("INSERT INTO image_locations (image_id, store_id, location, status, created_at) "
                        + "VALUES (:id, :s, :l, 'active', :t)")
                .bind("id", id.toString()).bind("s", storeId).bind("l", key).bind("t", now.toEpochMilli()).execute();
    }

    /**
     * {@link #update(Handle, Image, String)} and, if it applied, the image's data recorded in each of
     * {@code storeIds} under {@code changed.location()}, in one transaction.
     */
    public boolean updateWithLocations(Image changed, String expectedStatus, List<String> storeIds) {
        return jdbi.inTransaction(h -> updateWithLocations(h, changed, expectedStatus, storeIds));
    }

    /** {@link #updateWithLocations(Image, String, List)} inside the caller's transaction. */
    public boolean updateWithLocations(Handle h, Image changed, String expectedStatus, List<String> storeIds) {
        if (!update(h, changed, expectedStatus)) {
            return false;
        }
        for (String storeId : storeIds) {
            addLocation(h, changed.id(), storeId, changed.location(), changed.updatedAt());
        }
        return true;
    }

    /** Inserts the image (caller's transaction) with its data recorded in each of {@code storeIds}. */
    public void insertWithLocations(Handle h, Image i, List<String> storeIds) {
        insert(h, i);
        for (String storeId : storeIds) {
            addLocation(h, i.id(), storeId, i.location(), i.updatedAt());
        }
    }

    /**
     * Forgets the image's location in one store if the image is {@code active} and has another
     * location (Glance's delete-from-store); the outcome says which rule stopped it.
     */
    public LocationRemoval removeLocation(UUID id, String storeId, List<String> sameStore) {
        return jdbi.inTransaction(h -> {
            Optional<Image> image = findForUpdate(h, id);
            if (image.isEmpty()) {
                return LocationRemoval.NO_IMAGE;
            }
            if (!image.get().status().equals(ImageStatus.ACTIVE)) {
                return LocationRemoval.NOT_ACTIVE;
            }
            List<ImageLocation> all = locations(h, id);
            List<ImageLocation> here = all.stream().filter(l -> sameStore.contains(l.storeId())).toList();
            if (all.size() <= 1) {
                return LocationRemoval.ONLY_LOCATION;
            }
            if (here.isEmpty()) {
                return LocationRemoval.NOT_IN_STORE;
            }
            h.createUpdate("DELETE FROM image_locations WHERE image_id = :id AND store_id = :s")
                    .bind("id", id.toString()).bind("s", here.getFirst().storeId()).execute();
            return LocationRemoval.REMOVED;
        });
    }

    /** What {@link #removeLocation} did. */
    public enum LocationRemoval { REMOVED, NO_IMAGE, NOT_ACTIVE, ONLY_LOCATION, NOT_IN_STORE }

    /**
     * Deletes the image with its locations, tags and members; returns the locations it had (whose
     * data the caller removes), or empty if it was gone already. The image row is locked first, so
     * a location recorded concurrently (a copy-image commit) is either among those returned or
     * waits and finds the image gone: no blob is left unrecorded.
     */
    public Optional<List<ImageLocation>> delete(UUID id) {
        return jdbi.inTransaction(h -> {
            if (findForUpdate(h, id).isEmpty()) {
                return Optional.empty();
            }
            List<ImageLocation> locations = locations(h, id);
            h.createUpdate("DELETE FROM image_locations WHERE image_id = :id").bind("id", id.toString()).execute();
            h.createUpdate("DELETE FROM image_tags WHERE image_id = :id").bind("id", id.toString()).execute();
            h.createUpdate("DELETE FROM image_members WHERE image_id = :id").bind("id", id.toString()).execute();
            h.createUpdate("DELETE FROM images WHERE id = :id").bind("id", id.toString()).execute();
            return Optional.of(locations);
        });
    }

    public List<Image> list(ImageQuery q) {
        if (q.limit() == 0) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder("SELECT * FROM images WHERE 1 = 1");
        Map<String, Object> binds = new HashMap<>();
        String memberOf = "EXISTS (SELECT 1 FROM image_members m WHERE m.image_id = images.id AND m.member = :viewer"
                + (q.memberStatus().equals("all") ? "" : " AND m.status = :member_status") + ")";
        if (!q.memberStatus().equals("all")) {
            binds.put("member_status", q.memberStatus());
        }
        if (q.viewer() != null) {
            binds.put("viewer", q.viewer());
            String visible = "(owner = :viewer OR visibility = 'public' OR (visibility = 'shared' AND " + memberOf + ")";
            if (q.visibility() == null) {
                sql.append(" AND ").append(visible).append(')');
            } else if (q.visibility().equals("all")) {
                sql.append(" AND ").append(visible).append(" OR visibility = 'community')");
            } else if (q.visibility().equals("community")) {
                sql.append(" AND visibility = 'community'");
            } else {
                sql.append(" AND ").append(visible).append(") AND visibility = :visibility");
                binds.put("visibility", q.visibility());
            }
        } else if (q.visibility() != null && !q.visibility().equals("all")) {
            sql.append(" AND visibility = :visibility");
            binds.put("visibility", q.visibility());
        } else if (q.visibility() == null) {
            sql.append(" AND visibility <> 'community'"); // as Glance: community images are listed on request
        }
        for (Map.Entry<String, String> f : q.equals().entrySet()) {
            sql.append(" AND ").append(f.getKey()).append(" = :eq_").append(f.getKey()); // whitelisted columns
            binds.put("eq_" + f.getKey(), f.getValue());
        }
        for (Map.Entry<String, List<String>> f : q.in().entrySet()) {
            sql.append(" AND ").append(f.getKey()).append(" IN (");
            for (int i = 0; i < f.getValue().size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(":in_").append(f.getKey()).append('_').append(i);
                binds.put("in_" + f.getKey() + "_" + i, f.getValue().get(i));
            }
            sql.append(')');
        }
        for (Map.Entry<String, Long> f : q.numbers().entrySet()) {
            sql.append(" AND ").append(f.getKey()).append(" = :num_").append(f.getKey()); // whitelisted columns
            binds.put("num_" + f.getKey(), f.getValue());
        }
        int p = 0;
        for (Map.Entry<String, String> f : q.properties().entrySet()) {
            sql.append(" AND properties LIKE :prop_").append(p).append(" ESCAPE '!'");
            binds.put("prop_" + p, propertyPattern(f.getKey(), f.getValue()));
            p++;
        }
        for (int i = 0; i < q.times().size(); i++) {
            ImageQuery.TimeFilter t = q.times().get(i);
            sql.append(" AND ").append(t.column()).append(' ').append(ImageQuery.TimeFilter.OPERATORS.get(t.operator()))
                    .append(" :t_").append(i);
            binds.put("t_" + i, t.millis());
        }
        for (int i = 0; i < q.tags().size(); i++) {
            sql.append(" AND EXISTS (SELECT 1 FROM image_tags t WHERE t.image_id = images.id AND t.tag = :tag_")
                    .append(i).append(')');
            binds.put("tag_" + i, q.tags().get(i));
        }
        if (q.isProtected() != null) {
            sql.append(" AND protected = :protected");
            binds.put("protected", q.isProtected());
        }
        if (q.osHidden() != null) {
            sql.append(" AND os_hidden = :os_hidden");
            binds.put("os_hidden", q.osHidden());
        }
        if (q.sizeMin() != null) {
            sql.append(" AND size >= :size_min");
            binds.put("size_min", q.sizeMin());
        }
        if (q.sizeMax() != null) {
            sql.append(" AND size <= :size_max");
            binds.put("size_max", q.sizeMax());
        }
        List<ImageQuery.Sort> sort = new ArrayList<>(q.sort());
        if (sort.stream().noneMatch(s -> s.key() == ImageQuery.SortKey.ID)) {
            sort.add(new ImageQuery.Sort(ImageQuery.SortKey.ID, sort.isEmpty() || sort.getLast().ascending()));
        }
        if (q.marker() != null) {
            // keyset pagination: (k1, k2, ...) after the marker's values, each key in its own direction
            sql.append(" AND (");
            for (int i = 0; i < sort.size(); i++) {
                sql.append(i == 0 ? "(" : " OR (");
                for (int j = 0; j < i; j++) {
                    sql.append(sort.get(j).key().expression()).append(" = :m_").append(j).append(" AND ");
                }
                ImageQuery.Sort s = sort.get(i);
                sql.append(s.key().expression()).append(s.ascending() ? " > " : " < ").append(":m_").append(i).append(')');
                binds.put("m_" + i, s.key().valueOf(q.marker()));
            }
            sql.append(')');
        }
        sql.append(" ORDER BY ");
        for (int i = 0; i < sort.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(sort.get(i).key().expression())
                    .append(sort.get(i).ascending() ? " ASC" : " DESC");
        }
        sql.append(" FETCH FIRST :limit ROWS ONLY");
        return jdbi.withHandle(h -> {
            Query query = h.createQuery(sql.toString());
            binds.forEach(query::bind);
            List<Image> page = query.bind("limit", q.limit()).map((rs, ctx) -> map(rs, List.of())).list();
            if (page.isEmpty()) {
                return page;
            }
            Map<String, List<String>> tags = new HashMap<>();
            Query tq = h.createQuery("SELECT image_id, tag FROM image_tags WHERE image_id IN (<ids>) ORDER BY tag")
                    .bindList("ids", page.stream().map(i -> i.id().toString()).toList());
            tq.map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
                    .forEach(r -> tags.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[1]));
            return page.stream().map(i -> withTags(i, tags.getOrDefault(i.id().toString(), List.of()))).toList();
        });
    }

    private static Image withTags(Image i, List<String> tags) {
        return new Image(i.id(), i.name(), i.status(), i.visibility(), i.owner(), i.diskFormat(), i.containerFormat(),
                i.size(), i.virtualSize(), i.checksum(), i.osHashAlgo(), i.osHashValue(), i.location(), i.minRam(),
                i.minDisk(), i.isProtected(), i.properties(), i.createdAt(), i.updatedAt(), i.osHidden(), tags);
    }

    // --- members

    public List<ImageMember> members(UUID imageId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM image_members WHERE image_id = :id ORDER BY created_at, member")
                .bind("id", imageId.toString()).map((rs, ctx) -> mapMember(rs)).list());
    }

    public Optional<ImageMember> member(UUID imageId, String member) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM image_members WHERE image_id = :id AND member = :m")
                .bind("id", imageId.toString()).bind("m", member).map((rs, ctx) -> mapMember(rs)).findOne());
    }

    /** Adds the member unless present or the image has {@code maxMembers} already; the outcome says which. */
    public MemberAdd addMember(ImageMember m, int maxMembers) {
        return jdbi.inTransaction(h -> {
            // lock the image row so that concurrent adds count each other
            h.createQuery("SELECT id FROM images WHERE id = :id FOR UPDATE").bind("id", m.imageId().toString())
                    .mapTo(String.class).findOne();
            List<String> existing = h.createQuery("SELECT member FROM image_members WHERE image_id = :id")
                    .bind("id", m.imageId().toString()).mapTo(String.class).list();
            if (existing.contains(m.memberId())) {
                return MemberAdd.DUPLICATE;
            }
            if (existing.size() >= maxMembers) {
                return MemberAdd.TOO_MANY;
            }
            h.createUpdate("INSERT INTO image_members (image_id, member, status, created_at, updated_at) "
                            + "VALUES (:id, :m, :s, :c, :u)")
                    .bind("id", m.imageId().toString()).bind("m", m.memberId()).bind("s", m.status())
                    .bind("c", m.createdAt().toEpochMilli()).bind("u", m.updatedAt().toEpochMilli()).execute();
            return MemberAdd.ADDED;
        });
    }

    /** What {@link #addMember} did. */
    public enum MemberAdd { ADDED, DUPLICATE, TOO_MANY }

    public boolean updateMember(UUID imageId, String member, String status, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE image_members SET status = :s, updated_at = :u "
                        + "WHERE image_id = :id AND member = :m")
                .bind("s", status).bind("u", now.toEpochMilli()).bind("id", imageId.toString()).bind("m", member)
                .execute() > 0);
    }

    public boolean deleteMember(UUID imageId, String member) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM image_members WHERE image_id = :id AND member = :m")
                .bind("id", imageId.toString()).bind("m", member).execute() > 0);
    }

    private static ImageMember mapMember(ResultSet rs) throws SQLException {
        return new ImageMember(UUID.fromString(rs.getString("image_id")), rs.getString("member"), rs.getString("status"),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")));
    }

    private Image map(ResultSet rs, List<String> tags) throws SQLException {
        String props = rs.getString("properties");
        return new Image(UUID.fromString(rs.getString("id")), rs.getString("name"), rs.getString("status"),
                rs.getString("visibility"), rs.getString("owner"), rs.getString("disk_format"),
                rs.getString("container_format"), nullableLong(rs, "size"), nullableLong(rs, "virtual_size"),
                rs.getString("checksum"), rs.getString("os_hash_algo"), rs.getString("os_hash_value"),
                rs.getString("location"), rs.getInt("min_ram"), rs.getInt("min_disk"), rs.getBoolean("protected"),
                props == null ? Map.of() : json.readValue(props, PROPERTIES),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")),
                rs.getBoolean("os_hidden"), tags);
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
