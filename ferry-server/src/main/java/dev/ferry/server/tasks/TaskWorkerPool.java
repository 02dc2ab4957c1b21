package dev.ferry.server.tasks;

import dev.ferry.server.config.FerryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A bounded pool of virtual-thread workers that claim tasks from the database with a lease,
 * renew the lease while the job runs (heartbeat), and write the terminal state guarded by the
 * lease. A task whose worker died is claimed again once its lease has expired and retried from
 * scratch; after {@code tasks.max_attempts} it is failed with a message that says so.
 */
public final class TaskWorkerPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskWorkerPool.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

    private final TaskRepository repository;
    private final Jdbi jdbi;
    private final Clock clock;
    private final FerryConfig.Tasks settings;
    private final Map<TaskType, Job> jobs;
    private final String nodeId;
    private final Map<java.util.UUID, Running> running = new ConcurrentHashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private final Object signal = new Object();
    private long generation;
    private volatile boolean stopping;
    private ScheduledExecutorService heartbeat;

    public TaskWorkerPool(TaskRepository repository, Jdbi jdbi, Clock clock, FerryConfig.Tasks settings,
                          Map<TaskType, Job> jobs, String nodeId) {
        this.repository = repository;
        this.jdbi = jdbi;
        this.clock = clock;
        this.settings = settings;
        this.jobs = Map.copyOf(jobs);
        this.nodeId = nodeId;
    }

    public String nodeId() {
        return nodeId;
    }

    public synchronized void start() {
        if (!workers.isEmpty()) {
            throw new IllegalStateException("already started");
        }
        for (int i = 0; i < settings.workers(); i++) {
            workers.add(Thread.ofVirtual().name("ferry-worker-" + i).start(this::workLoop));
        }
        heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("ferry-heartbeat").factory());
        long every = settings.heartbeat().toMillis();
        heartbeat.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
    }

    /** Tells idle workers that a task is waiting (called after a task is created). */
    public void wake() {
        synchronized (signal) {
            generation++;
            signal.notifyAll();
        }
    }

    private void workLoop() {
        while (!stopping) {
            long seen;
            synchronized (signal) {
                seen = generation;
            }
            TaskRepository.ClaimOutcome outcome;
            try {
                Instant now = clock.instant();
                outcome = repository.claimNext(nodeId, now, now.plus(settings.lease()), settings.maxAttempts(),
                        now.plus(settings.ttl()));
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                LOG.warn("claiming a task failed: {}", e.toString());
                outcome = new TaskRepository.ClaimOutcome.None();
            }
            switch (outcome) {
                case TaskRepository.ClaimOutcome.Claimed c -> execute(c.claim());
                case TaskRepository.ClaimOutcome.Exhausted x -> {
                    LOG.warn("task {} failed: lease expired {} times", x.taskId(), x.attempts());
                    abandon(x);
                }
                case TaskRepository.ClaimOutcome.None n -> {
                    try {
                        synchronized (signal) {
                            if (generation == seen && !stopping) {
                                signal.wait(settings.poll().toMillis());
                            }
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /** Lets the job remove what the attempts of a task failed without running again left behind. */
    private void abandon(TaskRepository.ClaimOutcome.Exhausted x) {
        Job job = x.type() == null ? null : jobs.get(x.type());
        if (job == null) {
            return;
        }
        try {
            job.abandon(x.taskId(), x.attempts());
        } catch (RuntimeException e) {
            LOG.warn("clean-up of abandoned task {} failed: {}", x.taskId(), e.toString());
        }
    }

    private void execute(TaskRepository.Claim claim) {
        Task task = claim.task();
        Running r = new Running(claim, Thread.currentThread());
        running.put(task.id(), r);
        LOG.info("task {} ({}) claimed, attempt {}", task.id(), task.type().value(), claim.attempt());
        try {
            Job job = jobs.get(task.type());
            if (job == null) {
                throw new JobFailedException("Tasks of type '" + task.type().value()
                        + "' cannot run on this server: no job is available for them yet.");
            }
            job.run(task, r);
            if (!r.succeeded) {
                throw new JobFailedException("Task failed due to an internal error: the job ended without a result.");
            }
            LOG.info("task {} succeeded", task.id());
        } catch (JobFailedException e) {
            if (stopping && !r.lost) {
                // most likely the interrupt of our own shutdown surfacing as an I/O error
                releaseQuietly(task);
            } else {
                if (fail(r, e.getMessage())) {
                    failed(jobs.get(task.type()), task, e.getMessage());
                }
                LOG.info("task {} failed: {}", task.id(), e.getMessage());
            }
        } catch (LeaseLostException e) {
            LOG.warn("task {}: lease lost, another worker owns it now", task.id());
        } catch (InterruptedException e) {
            if (!r.lost) {
                // our own shutdown (or, defensively, any other interrupt): give the task back whole
                releaseQuietly(task);
            }
        } catch (RuntimeException e) {
            if (stopping && !r.lost) {
                releaseQuietly(task);
            } else if (r.lost) {
                LOG.warn("task {}: lease lost ({})", task.id(), e.toString());
            } else {
                LOG.error("task {} failed with an unexpected error", task.id(), e);
                String message = "Task failed due to an internal error: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage());
                if (fail(r, message)) {
                    failed(jobs.get(task.type()), task, message);
                }
            }
        } finally {
            r.markDone(); // from here on the heartbeat can no longer interrupt this thread for this task
            running.remove(task.id());
            Thread.interrupted(); // clear an interrupt that arrived before markDone
        }
    }

    private void releaseQuietly(Task task) {
        try {
            if (repository.release(task.id(), nodeId, clock.instant())) {
                LOG.info("task {} handed back to the queue on shutdown", task.id());
            }
        } catch (RuntimeException e) {
            LOG.warn("task {}: could not hand it back on shutdown ({}); it will be claimed again when its lease "
                    + "expires", task.id(), e.toString());
        }
    }

    /** Lets the job undo what its task's request did, now that the failure is recorded. */
    private static void failed(Job job, Task task, String message) {
        if (job == null) {
            return;
        }
        try {
            job.failed(task, message);
        } catch (RuntimeException e) {
            LOG.warn("clean-up after the failure of task {} failed: {}", task.id(), e.toString());
        }
    }

    /** Records the failure; false if the lease was lost (another worker owns the task). */
    private boolean fail(Running r, String message) {
        if (r.lost) {
            return false;
        }
        Instant now = clock.instant();
        String text = message == null || message.isBlank() ? "Task failed." : message;
        if (text.length() > 4000) {
            text = text.substring(0, 4000);
        }
        try {
            return repository.finish(r.claim.task().id(), nodeId, TaskStatus.FAILURE, null, text, now,
                    now.plus(settings.ttl()));
        } catch (RuntimeException e) {
            LOG.error("task {}: could not record its failure", r.claim.task().id(), e);
            return false;
        }
    }

    private void renewLeases() {
        for (Running r : running.values()) {
            try {
                Instant now = clock.instant();
                if (!repository.renewLease(r.claim.task().id(), nodeId, now.plus(settings.lease()))) {
                    r.loseLease();
                }
            } catch (RuntimeException e) {
                LOG.warn("task {}: lease renewal failed: {}", r.claim.task().id(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        wake();
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        // idle workers leave on their own; running jobs are interrupted and hand their task back
        for (Running r : running.values()) {
            r.interruptIfRunning();
        }
        try {
            for (Thread t : workers) {
                if (!t.join(Duration.ofSeconds(3))) {
                    t.interrupt();
                    t.join(Duration.ofSeconds(5));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A job in flight: its claim, thread and progress throttle; also the job's context. */
    private final class Running implements JobContext {
        final TaskRepository.Claim claim;
        final Thread thread;
        volatile boolean lost;
        volatile boolean succeeded;
        private boolean done;
        private Instant lastProgress;

        Running(TaskRepository.Claim claim, Thread thread) {
            this.claim = claim;
            this.thread = thread;
        }

        /** The lease is gone: stop the job, unless it already ended (its thread may run another task). */
        synchronized void loseLease() {
            lost = true;
            if (!done) {
                thread.interrupt();
            }
        }

        synchronized void interruptIfRunning() {
            if (!done) {
                thread.interrupt();
            }
        }

        synchronized void markDone() {
            done = true;
        }

        @Override
        public void progress(long bytesDone, long bytesTotal) {
            Instant now = clock.instant();
            if (lastProgress != null && Duration.between(lastProgress, now).compareTo(PROGRESS_EVERY) < 0
                    && bytesDone != bytesTotal) {
                return;
            }
            lastProgress = now;
            TaskProgress p = new TaskProgress(Math.max(0, bytesDone), Math.max(-1, bytesTotal));
            if (!repository.saveProgress(claim.task().id(), nodeId, p, now)) {
                lost = true;
                throw new LeaseLostException(claim.task().id().toString());
            }
        }

        @Override
        public void succeed(ObjectNode result, Consumer<Handle> inSameTransaction) {
            Instant now = clock.instant();
            boolean done = jdbi.inTransaction(h -> {
                inSameTransaction.accept(h);
                if (!repository.finish(h, claim.task().id(), nodeId, TaskStatus.SUCCESS, result, "", now,
                        now.plus(settings.ttl()))) {
                    h.rollback();
                    return false;
                }
                return true;
            });
            if (!done) {
                lost = true;
                throw new LeaseLostException(claim.task().id().toString());
            }
            succeeded = true;
        }

        @Override
        public boolean leaseLost() {
            return lost;
        }
    }
}
