package dev.ferry.server.sources;

/**
 * A URL that the {@link UrlPolicy} refuses. The message is meant for the user (it becomes the
 * 400 response or the task's failure message), so it names the problem and never a stack trace.
 */
public final class UrlRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UrlRejectedException(String message) {
        super(message);
    }
}
