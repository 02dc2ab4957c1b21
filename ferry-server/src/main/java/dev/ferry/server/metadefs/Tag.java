package dev.ferry.server.metadefs;

import java.time.Instant;
import java.util.Objects;

/** A tag definition of a namespace; names are unique within it regardless of case. */
public record Tag(String name, Instant createdAt, Instant updatedAt) {
    public Tag {
        Objects.requireNonNull(name);
        Objects.requireNonNull(createdAt);
        Objects.requireNonNull(updatedAt);
    }
}
