package dev.ferry.server.metadefs;

/** A value the catalog cannot store as given (400). */
public final class MetadefInvalidException extends RuntimeException {
    public MetadefInvalidException(String message) {
        super(message);
    }
}
