package dev.ferry.server.http;

import io.helidon.http.Status;

/** An error with its HTTP status and the message the client sees; {@code allow} is set for 405. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Status status;
    private final String allow;

    public ApiException(Status status, String message) {
        this(status, message, null);
    }

    public ApiException(Status status, String message, String allow) {
        super(message);
        this.status = status;
        this.allow = allow;
    }

    public Status status() {
        return status;
    }

    public String allow() {
        return allow;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(Status.BAD_REQUEST_400, message);
    }

    public static ApiException notAllowed(String method, String allow) {
        return new ApiException(Status.METHOD_NOT_ALLOWED_405,
                "The method " + method + " is not allowed for this resource.", allow);
    }
}
