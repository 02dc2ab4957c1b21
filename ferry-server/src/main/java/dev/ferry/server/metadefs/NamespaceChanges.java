package dev.ferry.server.metadefs;

import java.util.Objects;

/** What a client sets on a namespace (create, or full replacement by PUT); null owner keeps or defaults it. */
public record NamespaceChanges(String namespace, String displayName, String description, String visibility,
                               boolean isProtected, String owner) {
    public NamespaceChanges {
        Objects.requireNonNull(namespace);
        if (visibility != null && !"public".equals(visibility) && !"private".equals(visibility)) {
            throw new IllegalArgumentException("visibility must be public or private: " + visibility);
        }
    }
}
