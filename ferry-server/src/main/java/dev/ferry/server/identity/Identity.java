package dev.ferry.server.identity;

import java.util.Objects;
import java.util.Set;

/** The caller: project (Glance's owner), user and roles. */
public record Identity(String projectId, String userId, Set<String> roles) {
    public Identity {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(userId, "userId");
        roles = Set.copyOf(roles);
        if (projectId.isBlank() || projectId.length() > 255 || userId.length() > 255) {
            throw new IllegalArgumentException("bad project or user id");
        }
    }

    public boolean isAdmin() {
        return roles.stream().anyMatch(r -> r.equalsIgnoreCase("admin"));
    }
}
