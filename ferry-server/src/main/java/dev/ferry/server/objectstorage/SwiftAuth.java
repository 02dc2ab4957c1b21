package dev.ferry.server.objectstorage;

import java.io.IOException;

/**
 * How the Swift client gets a token and the storage URL of its account. Auth v1.0 (tempauth,
 * Rackspace legacy auth) is {@link TempAuthV1}; Keystone fits the same shape (a token plus the
 * catalog's object-store endpoint).
 */
public interface SwiftAuth {

    /** A current session, authenticating if there is none yet. */
    SwiftSession session() throws IOException;

    /** Forgets {@code stale} (Swift answered 401 with it) so that the next {@link #session()} authenticates again. */
    void invalidate(SwiftSession stale);
}
