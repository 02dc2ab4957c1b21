package dev.ferry.server.objectstorage;

import java.net.URI;
import java.util.Objects;

/**
 * A Swift token and the storage URL of the account it was issued for
 * ({@code https://host/v1/AUTH_account}).
 */
public record SwiftSession(String token, URI storageUrl) {

    public SwiftSession {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(storageUrl, "storageUrl");
        if (token.isEmpty() || token.length() > 4096 || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("token must be 1 to 4096 printable ASCII characters");
        }
        String scheme = storageUrl.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || storageUrl.getHost() == null) {
            throw new IllegalArgumentException("storage URL must be an absolute http(s) URL: " + storageUrl);
        }
    }

    @Override
    public String toString() {
        return "SwiftSession[storageUrl=" + storageUrl + "]"; // never the token
    }
}
