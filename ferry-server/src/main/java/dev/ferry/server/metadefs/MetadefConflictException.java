package dev.ferry.server.metadefs;

/** The name is taken (HTTP 409), with Glance's wording. */
public final class MetadefConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetadefConflictException(String message) {
        super(message);
    }
}
