package dev.ferry.server.metadefs;

/** A namespace would hold more of something than Ferry allows (HTTP 413, as Glance's quotas answer). */
public final class MetadefLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetadefLimitException(String message) {
        super(message);
    }
}
