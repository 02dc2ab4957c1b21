package dev.ferry.server.tasks;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes tasks whose {@code expires_at} has passed, on an interval. (Glance only soft-deletes
 * them lazily when their owner lists tasks.)
 */
public final class TaskReaper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskReaper.class);
    private static final int BATCH = 500;
    private static final int MAX_BATCHES_PER_RUN = 100;

    private final TaskRepository repository;
    private final Clock clock;
    private final Duration interval;
    private ScheduledExecutorService executor;

    public TaskReaper(TaskRepository repository, Clock clock, Duration interval) {
        this.repository = repository;
        this.clock = clock;
        this.interval = interval;
    }

    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("ferry-reaper").factory());
        executor.scheduleWithFixedDelay(this::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One sweep; returns how many tasks were removed. */
    public int runOnce() {
        int total = 0;
        try {
            for (int i = 0; i < MAX_BATCHES_PER_RUN; i++) {
                int n = repository.deleteExpired(clock.instant(), BATCH);
                total += n;
                if (n < BATCH) {
                    break;
                }
            }
            if (total > 0) {
                LOG.info("removed {} expired task(s)", total);
            }
        } catch (RuntimeException e) {
            LOG.warn("expired-task sweep failed: {}", e.toString());
        }
        return total;
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
