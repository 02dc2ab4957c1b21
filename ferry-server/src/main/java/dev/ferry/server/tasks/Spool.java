package dev.ferry.server.tasks;

import dev.ferry.format.io.ReadSource;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A staging file that one thread (the download) appends to, in order, while other threads read
 * what has already arrived through {@link #reader()}: a positioned read waits until the download
 * has passed the end of the range it asks for. So a converter can read a source that is laid out
 * in the order it is needed (qcow2 as qemu-img writes it, raw) while it is still downloading, and
 * the complete file stays on local disk for inspection, with the very bytes the converter read.
 *
 * <p>The writer ends with {@link #complete()} or {@link #fail(Throwable)}; a reader waiting then
 * reads what is there or fails. {@link #cancel()} makes every waiting and later read fail (the
 * job is stopping). The file is not removed here: it belongs to {@link StagingArea}.
 */
final class Spool implements Closeable {

    /** How often a waiting reader checks for interruption (it is also woken by every append). */
    private static final long WAIT_MILLIS = 100;

    private final FileChannel channel;
    private final long expected;
    private final SyncBehind syncBehind;
    /** A file to keep as it is, written with O_DIRECT in whole blocks (see {@link #create}); null otherwise. */
    private final DirectAppend direct;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile long written;
    private volatile boolean cancelled;
    private boolean complete;
    private IOException failure;

    private Spool(FileChannel channel, long expected, DirectAppend direct, boolean syncBehind) {
        this.channel = channel;
        this.expected = expected;
        this.direct = direct;
        this.syncBehind = syncBehind ? new SyncBehind(channel) : null;
    }

    /**
     * Creates {@code file} (which must not exist) for a download of {@code expected} bytes (-1 when
     * the length is not announced). With {@code keep} (the file will be stored as it is and nothing
     * reads it while it downloads), the bytes go to the device as they arrive: with O_DIRECT in
     * whole blocks where the file system allows it (no page-cache copy, and no page cache filled
     * with a blob nobody reads soon), else through the page cache synced behind ({@link SyncBehind}).
     * A kept spool has no {@link #reader()}.
     */
    static Spool create(Path file, long expected, boolean keep) throws IOException {
        Objects.requireNonNull(file, "file");
        if (expected < -1) {
            throw new IllegalArgumentException("expected must be -1 or non-negative: " + expected);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        DirectAppend direct = keep ? DirectAppend.open(file, channel) : null;
        return new Spool(channel, expected, direct, keep && direct == null);
    }

    /** Whether the bytes bypass the page cache (a kept spool on a file system with O_DIRECT). */
    boolean isDirect() {
        return direct != null;
    }

    /** Appends {@code b[off..off+len)} at the end of the file and wakes the readers. */
    void append(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (cancelled) {
            throw new InterruptedIOException("the import is stopping"); // the download ends with the job
        }
        long at = written;
        if (direct != null) {
            direct.append(b, off, len);
            at += len;
        } else {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                at += channel.write(buf, at);
            }
        }
        lock.lock();
        try {
            written = at;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (syncBehind != null) {
            syncBehind.advanced(at);
        }
    }

    /** Bytes appended so far. */
    long written() {
        return written;
    }

    /** The download ended normally: readers may read up to {@link #written()}; the file holds every byte. */
    void complete() throws IOException {
        if (direct != null) {
            direct.finish();
        }
        lock.lock();
        try {
            complete = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The download failed: every read that needs more than what arrived fails. */
    void fail(Throwable cause) {
        end(new IOException("the download failed: " + cause.getMessage(), cause));
    }

    /** The job is stopping: every read from now on fails. */
    void cancel() {
        cancelled = true;
        end(new InterruptedIOException("the import is stopping"));
    }

    private void end(IOException why) {
        lock.lock();
        try {
            if (failure == null) {
                failure = why;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Random-access reads of the download as it arrives. Its size is the announced length (a read
     * of a range not yet downloaded waits for it); without one, {@code size()} waits for the end.
     */
    ReadSource reader() {
        if (direct != null) {
            throw new IllegalStateException("a kept spool is not read while it downloads");
        }
        return new ReadSource() {
            @Override
            public long size() throws IOException {
                return expected >= 0 ? expected : awaitEnd();
            }

            @Override
            public int read(long position, byte[] buf, int off, int len) throws IOException {
                return read(position, ByteBuffer.wrap(buf, off, len));
            }

            @Override
            public int read(long position, ByteBuffer dst) throws IOException {
                if (position < 0) {
                    throw new IllegalArgumentException("negative position " + position);
                }
                if (!dst.hasRemaining()) {
                    return 0;
                }
                long end = Math.min(position + dst.remaining(), size());
                if (position >= end) {
                    return -1;
                }
                long available = await(end);
                if (position >= available) {
                    return -1; // the download ended short; it fails as truncated
                }
                ByteBuffer slice = dst.duplicate();
                slice.limit(slice.position() + (int) Math.min(slice.remaining(), available - position));
                int n = channel.read(slice, position);
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
                return n;
            }
        };
    }

    /** Waits until {@code end} bytes arrived or the download ended; returns the bytes available. */
    private long await(long end) throws IOException {
        if (cancelled) {
            throw new InterruptedIOException("the import is stopping");
        }
        if (written >= end) {
            return written;
        }
        lock.lock();
        try {
            while (true) {
                if (failure != null) {
                    throw failure;
                }
                if (written >= end || complete) {
                    return written;
                }
                waitForChange();
            }
        } finally {
            lock.unlock();
        }
    }

    private long awaitEnd() throws IOException {
        lock.lock();
        try {
            while (true) {
                if (failure != null) {
                    throw failure;
                }
                if (complete) {
                    return written;
                }
                waitForChange();
            }
        } finally {
            lock.unlock();
        }
    }

    private void waitForChange() throws InterruptedIOException {
        try {
            changed.await(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the download");
        }
    }

    @Override
    public void close() throws IOException {
        cancel();
        if (syncBehind != null) {
            syncBehind.close();
        }
        try {
            if (direct != null) {
                direct.close();
            }
        } finally {
            channel.close();
        }
    }
}
