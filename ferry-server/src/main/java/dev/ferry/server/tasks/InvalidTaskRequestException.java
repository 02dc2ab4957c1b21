package dev.ferry.server.tasks;

/** A task request that can be refused without doing any I/O (HTTP 400); the message is shown. */
public final class InvalidTaskRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidTaskRequestException(String message) {
        super(message);
    }
}
