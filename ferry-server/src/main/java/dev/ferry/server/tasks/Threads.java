package dev.ferry.server.tasks;

/** Waiting for the pipeline's helper threads. */
final class Threads {

    private Threads() {
    }

    /**
     * Waits until {@code t} has ended, even if interrupted meanwhile (a helper thread must not
     * outlive the files it writes); the interrupt is kept for the caller.
     */
    static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
