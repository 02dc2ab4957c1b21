package dev.ferry.server.images;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/** A project an image is shared with, and whether that project accepted it. */
public record ImageMember(UUID imageId, String memberId, String status, Instant createdAt, Instant updatedAt) {

    public static final Set<String> STATUSES = Set.of("pending", "accepted", "rejected");

    public ImageMember {
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("bad member status: " + status);
        }
    }
}
