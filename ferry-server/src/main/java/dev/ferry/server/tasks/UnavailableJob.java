package dev.ferry.server.tasks;

/**
 * Stands in for a job this server cannot run (yet, or in this configuration): fails the task at
 * once with a message saying exactly that, so no task stays pending.
 */
public final class UnavailableJob implements Job {

    private final String message;

    public UnavailableJob(String message) {
        this.message = message;
    }

    @Override
    public void run(Task task, JobContext context) throws JobFailedException {
        if (task.type() == TaskType.API_IMAGE_IMPORT && (task.input() == null || task.input().strip().equals("{}"))) {
            throw new JobFailedException("Input to api_image_import task is empty.");
        }
        throw new JobFailedException(message);
    }
}
