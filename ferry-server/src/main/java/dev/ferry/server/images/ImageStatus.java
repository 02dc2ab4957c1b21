package dev.ferry.server.images;

import java.util.Map;
import java.util.Set;

/** Glance's image statuses and the transitions its domain model allows between them. */
public final class ImageStatus {

    public static final String QUEUED = "queued";
    public static final String SAVING = "saving";
    public static final String UPLOADING = "uploading";
    public static final String IMPORTING = "importing";
    public static final String ACTIVE = "active";
    public static final String DEACTIVATED = "deactivated";
    public static final String KILLED = "killed";
    public static final String DELETED = "deleted";

    private static final Map<String, Set<String>> NEXT = Map.of(
            "queued", Set.of("saving", "uploading", "importing", "active", "deleted"),
            "saving", Set.of("active", "killed", "deleted", "queued"),
            "uploading", Set.of("importing", "queued", "deleted"),
            "importing", Set.of("active", "deleted", "queued"),
            "active", Set.of("pending_delete", "deleted", "deactivated"),
            "deactivated", Set.of("active", "deleted"),
            "killed", Set.of("deleted"),
            "pending_delete", Set.of("deleted", "active"),
            "deleted", Set.of());

    private ImageStatus() {
    }

    /** Whether the domain allows {@code from → to} (staying in the same status is always allowed). */
    public static boolean allows(String from, String to) {
        return from.equals(to) || NEXT.getOrDefault(from, Set.of()).contains(to);
    }

    /** Throws Glance's 409 when the transition is not allowed. */
    static void check(String from, String to) {
        if (!allows(from, to)) {
            throw ImageRequestException.conflict("Image status transition from " + from + " to " + to
                    + " is not allowed");
        }
    }
}
