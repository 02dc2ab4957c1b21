package dev.ferry.server.metadefs;

import java.time.Instant;
import java.util.Objects;

/**
 * A namespace's link to a resource type: {@code prefix} is what the namespace's properties are named
 * with on that resource ({@code hw_}), {@code propertiesTarget} where on it they go; both optional.
 */
public record Association(String name, String prefix, String propertiesTarget, Instant createdAt, Instant updatedAt) {
    public Association {
        Objects.requireNonNull(name);
        Objects.requireNonNull(createdAt);
        Objects.requireNonNull(updatedAt);
    }
}
