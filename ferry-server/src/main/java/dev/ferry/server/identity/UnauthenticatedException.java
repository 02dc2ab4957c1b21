package dev.ferry.server.identity;

/** The request carries no valid credentials (HTTP 401). */
public final class UnauthenticatedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnauthenticatedException(String message) {
        super(message);
    }
}
