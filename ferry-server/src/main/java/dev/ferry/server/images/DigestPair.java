package dev.ferry.server.images;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * MD5 and SHA-512 of one sequence of bytes, each computed on its own thread, so that hashing
 * costs the slower of the two digests rather than their sum and runs in parallel with the thread
 * that feeds it (a download, a store, a converter). Platform threads, not virtual ones: a digest
 * that is the bottleneck never blocks, and as a virtual thread it would hold a carrier of the
 * (core-sized) virtual thread scheduler for seconds, stalling the HTTP handlers that run there.
 *
 * <p>Bytes fed are copied into chunks from a fixed pool ({@value #POOL_SIZE} x
 * {@value #CHUNK_SIZE} bytes); each chunk goes to both digest threads and returns to the pool when
 * both are done with it, so memory is bounded and nothing is allocated per call: a feeder faster
 * than the digests waits for a free chunk. Runs of zeros ({@link #updateZeros}) are hashed from
 * one shared zero array without copying.
 *
 * <p>Contract: feed, then {@link #finish()} once for the digests; {@link #close()} always (it
 * stops the threads of an unfinished pair: a digest of part of the bytes is never returned). One
 * feeding thread.
 */
public final class DigestPair implements AutoCloseable {

    static final int CHUNK_SIZE = 256 * 1024;
    static final int POOL_SIZE = 16;

    private static final byte[] ZEROS = new byte[CHUNK_SIZE];
    private static final Chunk END = new Chunk(new byte[0], false);

    private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(POOL_SIZE);
    private final Digester md5;
    private final Digester sha512;
    private Chunk current;
    private long size;
    private boolean ended;
    private Checksums result;

    public DigestPair() {
        for (int i = 0; i < POOL_SIZE; i++) {
            free.add(new Chunk(new byte[CHUNK_SIZE], true));
        }
        this.md5 = new Digester(md5(), free);
        this.sha512 = new Digester(Sha512.newDigest(), free);
    }

    /** Which implementations compute the digests, for the server's start-up log. */
    public static String implementations() {
        return "MD5 by the JDK, SHA-512 by " + Sha512.implementation();
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5"); // the JDK's intrinsic is as fast as libcrypto's
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        }
    }

    /** Bytes fed so far. */
    public long size() {
        return size;
    }

    public void update(byte[] b, int off, int len) throws InterruptedIOException {
        Objects.checkFromIndexSize(off, len, b.length);
        checkOpen();
        size += len;
        while (len > 0) {
            if (current == null) {
                current = takeFree();
            }
            int k = Math.min(len, current.data.length - current.length);
            System.arraycopy(b, off, current.data, current.length, k);
            current.length += k;
            off += k;
            len -= k;
            if (current.length == current.data.length) {
                publishCurrent();
            }
        }
    }

    /** Feeds {@code src} from its position to its limit; does not move its position. */
    public void update(ByteBuffer src) throws InterruptedIOException {
        checkOpen();
        ByteBuffer b = src.duplicate();
        size += b.remaining();
        while (b.hasRemaining()) {
            if (current == null) {
                current = takeFree();
            }
            int k = Math.min(b.remaining(), current.data.length - current.length);
            b.get(current.data, current.length, k);
            current.length += k;
            if (current.length == current.data.length) {
                publishCurrent();
            }
        }
    }

    /** Feeds {@code n} zero bytes (the gaps of a sparse output). */
    public void updateZeros(long n) throws InterruptedIOException {
        if (n < 0) {
            throw new IllegalArgumentException("negative count " + n);
        }
        checkOpen();
        if (n > 0 && current != null) {
            publishCurrent(); // keep the order: what was fed before the zeros is hashed first
        }
        size += n;
        while (n > 0) {
            Chunk zeros = new Chunk(ZEROS, false);
            zeros.length = (int) Math.min(ZEROS.length, n);
            publish(zeros);
            n -= zeros.length;
        }
    }

    /** The digests of everything fed; waits for the digest threads to catch up. Once only. */
    public Checksums finish() throws InterruptedIOException {
        if (result != null) {
            return result;
        }
        checkOpen();
        if (current != null && current.length > 0) {
            publishCurrent();
        }
        publish(END);
        ended = true;
        try {
            result = new Checksums(md5.await(), sha512.await(), size);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the digests");
        }
        return result;
    }

    /** Stops the digest threads unless {@link #finish()} ended them. */
    @Override
    public void close() {
        if (!ended) {
            ended = true;
            md5.thread.interrupt();
            sha512.thread.interrupt();
        }
    }

    private void checkOpen() {
        if (ended) {
            throw new IllegalStateException("the digests are finished or closed");
        }
    }

    private void publishCurrent() throws InterruptedIOException {
        Chunk c = current;
        current = null;
        publish(c);
    }

    private void publish(Chunk c) throws InterruptedIOException {
        c.refs.set(2);
        try {
            md5.queue.put(c);
            sha512.queue.put(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while digesting");
        }
    }

    private Chunk takeFree() throws InterruptedIOException {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the digests");
        }
    }

    private static final class Chunk {
        final byte[] data;
        final boolean pooled;
        int length;
        final AtomicInteger refs = new AtomicInteger();

        Chunk(byte[] data, boolean pooled) {
            this.data = data;
            this.pooled = pooled;
        }
    }

    /** One digest on one platform thread, fed by its own bounded queue. */
    private static final class Digester implements Runnable {
        final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(2 * POOL_SIZE);
        final Thread thread;
        private final MessageDigest digest;
        private final BlockingQueue<Chunk> free;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile String hex;

        Digester(MessageDigest digest, BlockingQueue<Chunk> free) {
            this.digest = digest;
            this.free = free;
            this.thread = Thread.ofPlatform().daemon(true).name("ferry-digest-" + digest.getAlgorithm()).start(this);
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Chunk c = queue.take();
                    if (c == END) {
                        break;
                    }
                    digest.update(c.data, 0, c.length);
                    if (c.refs.decrementAndGet() == 0 && c.pooled) {
                        c.length = 0;
                        free.add(c);
                    }
                }
                hex = HexFormat.of().formatHex(digest.digest());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done.countDown();
            }
        }

        String await() throws InterruptedException {
            done.await();
            if (hex == null) {
                throw new IllegalStateException("digest thread stopped before the end of the bytes");
            }
            return hex;
        }
    }
}
