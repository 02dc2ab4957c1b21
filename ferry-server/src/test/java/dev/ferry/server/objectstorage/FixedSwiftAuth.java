package dev.ferry.server.objectstorage;

import java.net.URI;

/** For tests against a loopback server playing Swift: one token and storage URL, never renewed. */
public record FixedSwiftAuth(String token, URI storageUrl) implements SwiftAuth {

    public FixedSwiftAuth(URI storageUrl) {
        this("tk", storageUrl);
    }

    @Override
    public SwiftSession session() {
        return new SwiftSession(token, storageUrl);
    }

    @Override
    public void invalidate(SwiftSession stale) {
        // the test server accepts the token
    }
}
