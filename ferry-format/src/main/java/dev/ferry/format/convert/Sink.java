package dev.ferry.format.convert;

import dev.ferry.format.io.DirectWrites;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
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
 *
 * <p>A direct sink ({@link #asyncDirect}) also holds the file open with {@code O_DIRECT}: whole,
 * aligned blocks from aligned direct buffers (the data, in the converter's chunks and the pooled
 * buffers) go past the page cache to the device, everything else (headers, tables, a short tail)
 * through the page cache. For an import whose output becomes a stored blob nobody reads soon,
 * this saves the page-cache copy and, on a VM whose fresh guest pages are expensive to touch, most
 * of the system time of the write. Writes are to disjoint ranges and Linux keeps the two paths
 * coherent (a direct write flushes and invalidates cached pages of its range).
 */
public final class Sink implements Closeable {
    private static final int MAX_BUFFER = 4 * 1024 * 1024;

    private final FileChannel channel;
    /** The same file opened with O_DIRECT, or null. */
    private final DirectWrites.Channel direct;
    private final Thread[] workers;
    private final BlockingQueue<Job> pool;
    /** Pooled buffers not yet allocated: made on first need (most data arrives in the caller's direct buffers). */
    private int unallocated;
    private final BlockingQueue<Job> queue;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private int inFlight;
    private final Object lock = new Object();

    private static final class Job {
        static final Job STOP = new Job(0);
        /** Pooled buffer (null for a job that writes a caller's buffer). */
        final ByteBuffer own;
        ByteBuffer buf;
        long position;
        Completion completion;

        Job(int size) {
            this.own = DirectWrites.alignedBuffer(size);
            this.buf = own;
        }

        /** A caller's buffer (released through {@code completion}) or a private copy ({@code completion} null). */
        Job(ByteBuffer external, Completion completion) {
            this.own = null;
            this.buf = external;
            this.completion = completion;
        }
    }

    /** Heap-array writes up to this size are queued as a private copy instead of taking a pooled buffer. */
    private static final int SMALL_WRITE = 64 * 1024;

    /**
     * Tracks a caller's direct buffer while asynchronous writes still read from it: each write
     * attached to it holds a reference, the caller holds one more; {@code onIdle} runs (on some
     * thread) once all were released, after which the caller may reuse the buffer.
     */
    public static final class Completion {
        private final java.util.concurrent.atomic.AtomicInteger refs = new java.util.concurrent.atomic.AtomicInteger(1);
        private final Runnable onIdle;

        public Completion(Runnable onIdle) {
            this.onIdle = Objects.requireNonNull(onIdle, "onIdle");
        }

        void retain() {
            refs.incrementAndGet();
        }

        /** Drops one reference; the last one runs {@code onIdle}. */
        public void release() {
            if (refs.decrementAndGet() == 0) {
                onIdle.run();
            }
        }
    }

    private Completion attached;

    /** A synchronous sink: each write returns when the kernel has the bytes. */
    public Sink(FileChannel channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.direct = null;
        this.workers = new Thread[0];
        this.pool = null;
        this.queue = null;
    }

    private Sink(FileChannel channel, DirectWrites.Channel direct, int threads, int buffers) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.direct = direct;
        this.pool = new ArrayBlockingQueue<>(buffers);
        this.queue = new ArrayBlockingQueue<>(buffers + threads + 64);
        this.unallocated = buffers;
        this.workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = Thread.ofPlatform().name("ferry-sink-" + i).daemon().start(this::work);
        }
    }

    /**
     * An asynchronous sink with {@code threads} writer threads and up to {@code buffers} 4 MiB direct
     * buffers for heap-array writes, allocated when first needed.
     */
    public static Sink async(FileChannel channel, int threads, int buffers) {
        checkThreads(threads, buffers);
        return new Sink(channel, null, threads, buffers);
    }

    private static void checkThreads(int threads, int buffers) {
        if (threads < 1 || buffers < threads) {
            throw new IllegalArgumentException("threads " + threads + ", buffers " + buffers);
        }
    }

    /**
     * As {@link #async}, and aligned whole blocks are written with {@code O_DIRECT} through a second
     * channel on {@code file} (the file {@code channel} is open on). Where the file system refuses
     * {@code O_DIRECT} (tmpfs) or its block size is unusual, this is {@link #async}.
     */
    public static Sink asyncDirect(FileChannel channel, Path file, int threads, int buffers) {
        checkThreads(threads, buffers);
        return DirectWrites.open(file).map(direct -> new Sink(channel, direct, threads, buffers))
                .orElseGet(() -> new Sink(channel, null, threads, buffers));
    }

    /** Whether aligned whole blocks bypass the page cache ({@link #asyncDirect} got {@code O_DIRECT}). */
    public boolean isDirect() {
        return direct != null;
    }

    /** Whether {@code buf}'s remaining bytes at file offset {@code position} can go through {@link #direct}. */
    private boolean directWrite(ByteBuffer buf, long position) {
        return direct != null && direct.fits(buf, position);
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
                        FileChannel to = directWrite(j.buf, j.position) ? direct.channel() : channel;
                        long p = j.position;
                        while (j.buf.hasRemaining()) {
                            p += to.write(j.buf, p);
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (j.own != null) {
                        j.buf.clear();
                        pool.add(j);
                    } else if (j.completion != null) {
                        j.completion.release();
                    }
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
        if (len <= SMALL_WRITE) {
            // tables, bitmaps, headers: a copy of their size, not a 4 MiB buffer
            rethrow();
            Job j = new Job(ByteBuffer.wrap(Arrays.copyOfRange(buf, off, off + len)), null);
            j.position = position;
            enqueue(j);
            return;
        }
        int done = 0;
        while (done < len) {
            rethrow();
            int n = Math.min(MAX_BUFFER, len - done);
            Job j = pool.poll();
            try {
                if (j == null && unallocated > 0) {
                    // 4 MiB of zeroed direct memory each (page faults): only as many as are used
                    unallocated--;
                    j = new Job(MAX_BUFFER);
                } else if (j == null) {
                    j = pool.take();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("write interrupted");
            }
            j.buf.clear();
            j.buf.put(buf, off + done, n).flip();
            j.position = position + done;
            enqueue(j);
            done += n;
        }
    }

    /** Queues a write; blocks while the queue is full, which bounds the copies in flight. */
    private void enqueue(Job j) throws InterruptedIOException {
        synchronized (lock) {
            inFlight++;
        }
        try {
            queue.put(j);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            synchronized (lock) {
                inFlight--;
            }
            if (j.own != null) {
                pool.add(j);
            }
            throw new InterruptedIOException("write interrupted");
        }
    }

    public void write(long position, ByteBuffer b) throws IOException {
        if (b.hasArray()) {
            int n = b.remaining();
            write(position, b.array(), b.arrayOffset() + b.position(), n);
            b.position(b.position() + n);
            return;
        }
        rethrow();
        Completion c = attached;
        if (workers.length > 0 && c != null) {
            // Written later by a worker straight from the caller's buffer, which the attached
            // completion keeps from being reused until then.
            c.retain();
            Job j = new Job(b.slice(), c);
            j.position = position;
            b.position(b.limit());
            synchronized (lock) {
                inFlight++;
            }
            try {
                queue.put(j);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                synchronized (lock) {
                    inFlight--;
                }
                c.release();
                throw new InterruptedIOException("write interrupted");
            }
            return;
        }
        // A caller's direct buffer with nothing attached: written now, from this thread (no copy);
        // writes are to disjoint ranges, so queued writes need not be drained first.
        FileChannel to = directWrite(b, position) ? direct.channel() : channel;
        long p = position;
        while (b.hasRemaining()) {
            p += to.write(b, p);
        }
    }

    /**
     * Until the next call, direct-buffer writes of this (single) calling thread are done
     * asynchronously and hold a reference on {@code c}; null makes them synchronous again.
     */
    public void attach(Completion c) {
        this.attached = c;
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
            stopWorkers();
        } finally {
            if (direct != null) {
                direct.channel().close();
            }
        }
    }

    private void stopWorkers() {
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
