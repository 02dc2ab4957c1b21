package dev.ferry.server.objectstorage;

import java.io.IOException;

/** Swift answered an unexpected status; the message names the request and the status. */
public class SwiftException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public SwiftException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0 if the request got no answer. */
    public int status() {
        return status;
    }
}
