package dev.ferry.server.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Passes a stream through unchanged while computing its MD5 and SHA-512, each on its own virtual
 * thread, so that hashing costs the slower of the two digests rather than their sum and runs in
 * parallel with whoever reads (usually a store writing to disk or the network).
 *
 * <p>Bytes read are copied into chunks from a fixed pool ({@value #POOL_SIZE} x
 * {@value #CHUNK_SIZE} bytes); each chunk goes to both digest threads through their queues and
 * returns to the pool when both are done with it. Memory is bounded: a reader faster than the
 * digests waits for a free chunk.
 *
 * <p>Contract: read to the end (until a read returns -1), then {@link #finish()}. Calling
 * {@code finish()} earlier throws {@link IllegalStateException}: a digest of part of a stream
 * must never pass for the digest of the image. {@link #close()} stops the digest threads and
 * closes the underlying stream; always close (try-with-resources), also after {@code finish()}.
 * Not thread-safe, like any stream: one reader.
 */
public final class ChecksummingInputStream extends InputStream {

    static final int CHUNK_SIZE = 128 * 1024;
    static final int POOL_SIZE = 8;

    private static final Chunk END = new Chunk(0);

    private final InputStream in;
    private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(POOL_SIZE);
    private final Digester md5;
    private final Digester sha512;
    private Chunk current;
    private long size;
    private boolean eof;
    private boolean closed;
    private boolean ended;
    private Checksums result;

    public ChecksummingInputStream(InputStream in) {
        this.in = Objects.requireNonNull(in, "in");
        for (int i = 0; i < POOL_SIZE; i++) {
            free.add(new Chunk(CHUNK_SIZE));
        }
        this.md5 = new Digester("MD5", free);
        this.sha512 = new Digester("SHA-512", free);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        if (eof) {
            return -1;
        }
        int n = in.read(b, off, len);
        if (n < 0) {
            eof = true;
            endDigests();
            return -1;
        }
        feed(b, off, n);
        return n;
    }

    /** Skipped bytes are read and digested too: every byte of the stream counts. */
    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        byte[] buffer = new byte[CHUNK_SIZE];
        long total = 0;
        int n;
        while ((n = read(buffer, 0, buffer.length)) >= 0) {
            out.write(buffer, 0, n);
            total += n;
        }
        return total;
    }

    @Override
    public int available() throws IOException {
        return closed || eof ? 0 : in.available();
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Bytes read so far. */
    public long bytesRead() {
        return size;
    }

    /**
     * The digests of the whole stream; waits for the digest threads to catch up.
     *
     * @throws IllegalStateException if the end of the stream has not been reached, or the stream
     *                               was closed before it
     */
    public Checksums finish() throws IOException {
        if (result != null) {
            return result;
        }
        if (!eof) {
            throw new IllegalStateException("checksums are only known at the end of the stream (read "
                    + size + " bytes so far)");
        }
        try {
            result = new Checksums(md5.await(), sha512.await(), size);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the digests");
        }
        return result;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            in.close();
        } finally {
            if (!eof) {
                current = null; // a partial digest is worthless: drop the pending bytes
                endDigests();
            }
        }
    }

    private void feed(byte[] b, int off, int n) throws IOException {
        size += n;
        while (n > 0) {
            if (current == null) {
                current = takeFree();
            }
            int k = Math.min(n, current.data.length - current.length);
            System.arraycopy(b, off, current.data, current.length, k);
            current.length += k;
            off += k;
            n -= k;
            if (current.length == current.data.length) {
                publish();
            }
        }
    }

    private void publish() {
        Chunk c = current;
        current = null;
        c.refs.set(2);
        md5.queue.add(c);
        sha512.queue.add(c);
    }

    private void endDigests() {
        if (ended) {
            return;
        }
        ended = true;
        if (current != null && current.length > 0) {
            publish();
        }
        md5.queue.add(END);
        sha512.queue.add(END);
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
        int length;
        final AtomicInteger refs = new AtomicInteger();

        Chunk(int capacity) {
            this.data = new byte[capacity];
        }
    }

    /** One digest on one virtual thread, fed by its own queue (never full: at most POOL_SIZE + END). */
    private static final class Digester implements Runnable {
        final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(POOL_SIZE + 1);
        private final MessageDigest digest;
        private final BlockingQueue<Chunk> free;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile String hex;

        Digester(String algorithm, BlockingQueue<Chunk> free) {
            try {
                this.digest = MessageDigest.getInstance(algorithm);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(algorithm + " is required of every Java platform", e);
            }
            this.free = free;
            Thread.ofVirtual().name("digest-" + algorithm).start(this);
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
                    if (c.refs.decrementAndGet() == 0) {
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
                throw new IllegalStateException("digest thread stopped before the end of the stream");
            }
            return hex;
        }
    }
}
