package dev.ferry.server.stores;

import java.io.IOException;

/** A key that has no blob in the store. */
public final class NoSuchBlobException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public NoSuchBlobException(String key) {
        super("no blob with key " + key);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
