package dev.ferry.server.sources;

import java.io.IOException;

/**
 * A source could not be read: refused by policy, unreachable, a non-200 answer, a size cap hit,
 * a timeout. An {@link IOException} so that it can also be thrown from the returned stream while
 * it is read. The message is user-facing ("HTTP 404 from http://...").
 */
public class SourceException extends IOException {

    private static final long serialVersionUID = 1L;

    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
