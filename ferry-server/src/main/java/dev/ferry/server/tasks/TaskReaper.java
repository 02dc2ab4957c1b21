package dev.ferry.server.tasks;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes tasks whose {@code expires_at} has passed, on an interval. (Glance only soft-deletes
 * them lazily when their owner lists tasks.) Each run also runs the {@link Leftovers} sweeps, so
 * that files a process killed shortly before a restart left behind do not wait for the next
 * restart.
 */
public final class TaskReaper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskReaper.class);
    private static final int BATCH = 500;
    private static final int MAX_BATCHES_PER_RUN = 100;

    private final TaskRepository repository;
    private final Clock clock;
    private final Duration interval;
    private final Map<String, Leftovers> leftovers;
    private ScheduledExecutorService executor;

    /** Removal of leftovers of killed processes (files older than a safe age, not in use here). */
    @FunctionalInterface
    public interface Leftovers {
        /** Removes what is left over; returns how many items were removed. */
        int sweep() throws IOException;
    }

    public TaskReaper(TaskRepository repository, Clock clock, Duration interval) {
        this(repository, clock, interval, Map.of());
    }

    /** @param leftovers sweeps run after each task sweep, by what they remove ("import staging file(s)") */
    public TaskReaper(TaskRepository repository, Clock clock, Duration interval, Map<String, Leftovers> leftovers) {
        this.repository = repository;
        this.clock = clock;
        this.interval = interval;
        this.leftovers = Map.copyOf(leftovers);
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
        sweepLeftovers();
        return total;
    }

    /** Runs every leftover sweep once; returns how many items they removed in all. */
    public int sweepLeftovers() {
        int total = 0;
        for (Map.Entry<String, Leftovers> l : leftovers.entrySet()) {
            try {
                int n = l.getValue().sweep();
                if (n > 0) {
                    LOG.info("removed {} {}", n, l.getKey());
                }
                total += n;
            } catch (IOException | RuntimeException e) {
                LOG.warn("sweep of {} failed: {}", l.getKey(), e.toString());
            }
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
