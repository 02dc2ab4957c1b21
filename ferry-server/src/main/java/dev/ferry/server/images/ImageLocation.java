package dev.ferry.server.images;

import java.util.Objects;

/**
 * Where one copy of an image's data is: the store's id (as recorded; see
 * {@code Stores.resolve}) and the blob key there.
 */
public record ImageLocation(String storeId, String key) {
    public ImageLocation {
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(key, "key");
    }
}
