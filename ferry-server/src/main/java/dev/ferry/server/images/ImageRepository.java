package dev.ferry.server.images;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code images} table. */
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
                        + "properties, created_at, updated_at) VALUES (:id, :name, :status, :visibility, :owner, "
                        + ":disk_format, :container_format, :size, :virtual_size, :checksum, :os_hash_algo, "
                        + ":os_hash_value, :location, :min_ram, :min_disk, :protected, :properties, :created_at, "
                        + ":updated_at)")
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
                .execute();
    }

    public Optional<Image> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM images WHERE id = :id")
                .bind("id", id.toString())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    private Image map(ResultSet rs) throws SQLException {
        String props = rs.getString("properties");
        return new Image(UUID.fromString(rs.getString("id")), rs.getString("name"), rs.getString("status"),
                rs.getString("visibility"), rs.getString("owner"), rs.getString("disk_format"),
                rs.getString("container_format"), nullableLong(rs, "size"), nullableLong(rs, "virtual_size"),
                rs.getString("checksum"), rs.getString("os_hash_algo"), rs.getString("os_hash_value"),
                rs.getString("location"), rs.getInt("min_ram"), rs.getInt("min_disk"), rs.getBoolean("protected"),
                props == null ? Map.of() : json.readValue(props, PROPERTIES),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
