package dev.ferry.server.tasks;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * Starts an fdatasync of a file that is being written every {@value #STEP_BYTES} bytes, on a
 * background thread (one at a time), so that the device writes while the import still downloads or
 * converts and the store's final fsync finds little left to do. The final fsync is still the
 * store's: a failure here is ignored (the store's own force reports it).
 */
final class SyncBehind implements AutoCloseable {

    static final long STEP_BYTES = 64L << 20;

    private final FileChannel channel;
    private long next = STEP_BYTES;
    private Thread running;

    SyncBehind(FileChannel channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
    }

    /** {@code written} bytes of the file are written (or queued): sync them if a step has passed. */
    void advanced(long written) {
        if (written < next || (running != null && running.isAlive())) {
            return;
        }
        next = written + STEP_BYTES;
        running = Thread.ofPlatform().name("ferry-sync-behind").daemon(true).start(() -> {
            try {
                channel.force(false);
            } catch (IOException e) {
                // closed under us, or a device error the store's final force will report
            }
        });
    }

    /** Waits for a sync in progress (call before closing the channel). */
    @Override
    public void close() {
        Thread t = running;
        if (t != null) {
            Threads.joinUninterruptibly(t);
        }
    }
}
