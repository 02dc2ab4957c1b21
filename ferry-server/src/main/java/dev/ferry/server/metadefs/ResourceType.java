package dev.ferry.server.metadefs;

import java.time.Instant;
import java.util.Objects;

/** A kind of resource metadata can apply to ({@code OS::Glance::Image}); updatedAt is null until changed. */
public record ResourceType(String name, Instant createdAt, Instant updatedAt) {
    public ResourceType {
        Objects.requireNonNull(name);
        Objects.requireNonNull(createdAt);
    }
}
