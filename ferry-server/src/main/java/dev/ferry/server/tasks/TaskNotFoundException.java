package dev.ferry.server.tasks;

/** No task with this id is visible to the caller (HTTP 404). */
public final class TaskNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TaskNotFoundException(String id) {
        super("Could not find task " + id);
    }
}
