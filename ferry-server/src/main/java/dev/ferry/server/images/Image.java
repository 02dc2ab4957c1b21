package dev.ferry.server.images;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * An image as Glance's v2 API describes it. {@code location} is the blob key in the store (never
 * shown). {@code properties} are the extra (custom) string properties; {@code tags} keep their
 * insertion order and hold no duplicates.
 */
public record Image(UUID id, String name, String status, String visibility, String owner, String diskFormat,
                    String containerFormat, Long size, Long virtualSize, String checksum, String osHashAlgo,
                    String osHashValue, String location, int minRam, int minDisk, boolean isProtected,
                    Map<String, String> properties, Instant createdAt, Instant updatedAt, boolean osHidden,
                    List<String> tags) {
    public Image {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        properties = Map.copyOf(properties);
        tags = List.copyOf(new java.util.LinkedHashSet<>(tags));
        if (minRam < 0 || minDisk < 0) {
            throw new IllegalArgumentException("min_ram and min_disk must not be negative");
        }
    }

    /** An image that is not hidden and has no tags (what the import job creates). */
    public Image(UUID id, String name, String status, String visibility, String owner, String diskFormat,
                 String containerFormat, Long size, Long virtualSize, String checksum, String osHashAlgo,
                 String osHashValue, String location, int minRam, int minDisk, boolean isProtected,
                 Map<String, String> properties, Instant createdAt, Instant updatedAt) {
        this(id, name, status, visibility, owner, diskFormat, containerFormat, size, virtualSize, checksum, osHashAlgo,
                osHashValue, location, minRam, minDisk, isProtected, properties, createdAt, updatedAt, false, List.of());
    }
}
