package dev.ferry.server.tasks;

/** A job failed; the message becomes the task's {@code message}, so it must say what went wrong. */
public final class JobFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public JobFailedException(String message) {
        super(message);
    }

    public JobFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
