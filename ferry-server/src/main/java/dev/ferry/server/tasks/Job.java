package dev.ferry.server.tasks;

/**
 * The work behind one task type. A job may be run more than once for the same task (a node died
 * mid-way and the task was claimed again), so it must start from scratch and leave nothing
 * visible until {@link JobContext#succeed} commits.
 */
public interface Job {

    /**
     * Runs the task to completion: either calls {@link JobContext#succeed} or throws
     * {@link JobFailedException} with the message the task will show.
     */
    void run(Task task, JobContext context) throws JobFailedException, InterruptedException;

    /**
     * Removes what attempts 1..{@code attempts} of a task may have left behind (a node killed
     * between storing data and committing). Called when the task is failed because its attempts
     * are used up, without running again; must not throw for data that is already gone.
     */
    default void abandon(java.util.UUID taskId, int attempts) {
    }

    /**
     * Called once the task's failure (from {@link #run}) is recorded, and only then: not when the
     * task is handed back on shutdown or taken over after a lost lease. Must not throw.
     */
    default void failed(Task task, String message) {
    }
}
