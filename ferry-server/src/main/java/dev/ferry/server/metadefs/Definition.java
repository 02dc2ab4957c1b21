package dev.ferry.server.metadefs;

import java.time.Instant;
import java.util.Objects;

/**
 * A named object or property of a namespace: {@code document} is its JSON as the client sent it
 * (validated against Glance's schema by the caller), without the server-set fields.
 */
public record Definition(String name, String document, Instant createdAt, Instant updatedAt) {
    public Definition {
        Objects.requireNonNull(name);
        Objects.requireNonNull(document);
        Objects.requireNonNull(createdAt);
        Objects.requireNonNull(updatedAt);
    }
}
