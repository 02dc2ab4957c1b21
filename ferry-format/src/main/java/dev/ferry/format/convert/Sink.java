package dev.ferry.format.convert;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Positioned writes to the output file; holes are left where nothing is written.
 *
 * <p>An asynchronous sink ({@link #async}) copies each write into one of a few pooled direct
 * buffers (the copy the JDK would make anyway for a heap array) and lets a small set of threads
 * issue the {@code pwrite}s concurrently, as qemu-img does: the kernel's page-cache copy and any
 * write-back throttling then overlap with each other and with reading. Writes go to disjoint
 * ranges, so their order does not matter; {@link #drain()} waits for all of them (and reports the
 * first failure) and is called by every operation that needs the file as written so far.
 */
public final class Sink implements Closeable {
    private static final int MAX_BUFFER = 4 * 1024 * 1024;

    private final FileChannel channel;
    private final Thread[] workers;
    private final BlockingQueue<Job> pool;
    private final BlockingQueue<Job> queue;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private int inFlight;
    private final Object lock = new Object();

    private static final class Job {
        static final Job STOP = new Job(0);
        final ByteBuffer buf;
        long position;

        Job(int size) {
            this.buf = ByteBuffer.allocateDirect(size);
        }
    }

    /** A synchronous sink: each write returns when the kernel has the bytes. */
    public Sink(FileChannel channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.workers = new Thread[0];
        this.pool = null;
        this.queue = null;
    }

    private Sink(FileChannel channel, int threads, int buffers) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.pool = new ArrayBlockingQueue<>(buffers);
        this.queue = new ArrayBlockingQueue<>(buffers + threads);
        for (int i = 0; i < buffers; i++) {
            pool.add(new Job(MAX_BUFFER));
        }
        this.workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = Thread.ofPlatform().name("ferry-sink-" + i).daemon().start(this::work);
        }
    }

    /** An asynchronous sink with {@code threads} writer threads and {@code buffers} 4 MiB direct buffers. */
    public static Sink async(FileChannel channel, int threads, int buffers) {
        if (threads < 1 || buffers < threads) {
            throw new IllegalArgumentException("threads " + threads + ", buffers " + buffers);
        }
        return new Sink(channel, threads, buffers);
    }

    private void work() {
        try {
            while (true) {
                Job j = queue.take();
                if (j == Job.STOP) {
                    return;
                }
                try {
                    if (failure.get() == null) {
                        long p = j.position;
                        while (j.buf.hasRemaining()) {
                            p += channel.write(j.buf, p);
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    j.buf.clear();
                    pool.add(j);
                    synchronized (lock) {
                        inFlight--;
                        lock.notifyAll();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void write(long position, byte[] buf, int off, int len) throws IOException {
        if (workers.length == 0) {
            ByteBuffer b = ByteBuffer.wrap(buf, off, len);
            long p = position;
            while (b.hasRemaining()) {
                p += channel.write(b, p);
            }
            return;
        }
        int done = 0;
        while (done < len) {
            rethrow();
            int n = Math.min(MAX_BUFFER, len - done);
            Job j;
            try {
                j = pool.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("write interrupted");
            }
            j.buf.clear();
            j.buf.put(buf, off + done, n).flip();
            j.position = position + done;
            synchronized (lock) {
                inFlight++;
            }
            queue.add(j);
            done += n;
        }
    }

    public void write(long position, ByteBuffer b) throws IOException {
        if (b.hasArray()) {
            int n = b.remaining();
            write(position, b.array(), b.arrayOffset() + b.position(), n);
            b.position(b.position() + n);
            return;
        }
        // A caller's direct buffer: written now, from this thread (no copy); writes are to
        // disjoint ranges, so queued writes need not be drained first.
        rethrow();
        long p = position;
        while (b.hasRemaining()) {
            p += channel.write(b, p);
        }
    }

    /** Waits until every write issued so far is in the file; throws the first failure. */
    public void drain() throws IOException {
        if (workers.length == 0) {
            return;
        }
        synchronized (lock) {
            while (inFlight > 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("drain interrupted");
                }
            }
        }
        rethrow();
    }

    private void rethrow() throws IOException {
        Throwable t = failure.get();
        if (t instanceof IOException e) {
            throw new IOException("write failed: " + e.getMessage(), e);
        } else if (t != null) {
            throw new IOException("write failed", t);
        }
    }

    public long size() throws IOException {
        drain();
        return channel.size();
    }

    /** Makes the file exactly {@code length} bytes; growing leaves a hole (one zero byte is written). */
    public void setLength(long length) throws IOException {
        drain();
        long now = channel.size();
        if (now > length) {
            channel.truncate(length);
        } else if (now < length) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.write(one, length - 1);
        }
    }

    /** Waits for pending writes (ignoring their failure: call {@link #drain()} to see it) and stops the threads. */
    @Override
    public void close() throws IOException {
        if (workers.length == 0) {
            return;
        }
        try {
            drain();
        } catch (IOException ignored) {
            // the caller saw (or will see) the failure through write/drain
        } finally {
            for (int i = 0; i < workers.length; i++) {
                queue.offer(Job.STOP);
            }
            for (Thread w : workers) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }
}
