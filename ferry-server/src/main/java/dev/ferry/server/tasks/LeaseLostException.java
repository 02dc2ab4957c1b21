package dev.ferry.server.tasks;

/** This worker no longer holds the task's lease: another node took it over; stop quietly. */
public final class LeaseLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LeaseLostException(String taskId) {
        super("lease lost on task " + taskId);
    }
}
