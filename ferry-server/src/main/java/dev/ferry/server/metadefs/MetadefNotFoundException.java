package dev.ferry.server.metadefs;

/** The namespace, or the thing in it, does not exist or is not visible to the caller (HTTP 404). */
public final class MetadefNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetadefNotFoundException(String message) {
        super(message);
    }
}
