package dev.ferry.server.metadefs;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A metadata definitions namespace: its name is unique across the catalog; visibility is public or private. */
public record Namespace(UUID id, String namespace, String displayName, String description, String visibility,
                        boolean isProtected, String owner, Instant createdAt, Instant updatedAt) {
    public Namespace {
        Objects.requireNonNull(id);
        Objects.requireNonNull(namespace);
        Objects.requireNonNull(owner);
        Objects.requireNonNull(createdAt);
        Objects.requireNonNull(updatedAt);
        if (!"public".equals(visibility) && !"private".equals(visibility)) {
            throw new IllegalArgumentException("visibility must be public or private: " + visibility);
        }
    }

    public boolean isPublic() {
        return "public".equals(visibility);
    }
}
