package dev.ferry.server.identity;

/** The caller is known but a policy forbids the action (HTTP 403). */
public final class AccessDeniedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AccessDeniedException(String message) {
        super(message);
    }
}
