package dev.ferry.server.identity;

/** The identity service cannot be asked, so a token cannot be checked (HTTP 503, never a pass). */
public final class IdentityUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IdentityUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
