package dev.ferry.server.stores;

import java.util.Objects;

/**
 * A blob written to a {@link BlobStore}.
 *
 * @param key      the key it was stored under
 * @param location where the store keeps it (a {@code file:} URI for {@link FileStore}); recorded
 *                 on the image, never shown to a user who could not already read the store
 * @param size     bytes stored
 */
public record StoredBlob(String key, String location, long size) {

    public StoredBlob {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(location, "location");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }
}
