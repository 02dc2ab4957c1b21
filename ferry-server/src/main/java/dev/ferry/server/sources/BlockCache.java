package dev.ferry.server.sources;

import dev.ferry.format.io.Failures;
import dev.ferry.format.io.ReadSource;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a remote {@link ReadSource} (one request per read) by aligned blocks and keeps the last
 * few, so that the many small reads of an inspection and the sequential reads of a conversion
 * become a few large ranged requests. When blocks are read in order, the next ones are fetched
 * ahead on threads of their own while the current one is used, so that the network and the reader
 * overlap (up to {@code depth} blocks ahead). Memory is bounded by
 * {@code (count + depth) × blockSize} whatever the source's size.
 * Reads are serialized (the inspector and the converter's reader thread take turns); the inner
 * source must allow concurrent reads (those ahead and one elsewhere): the ranged sources
 * do, each read being its own request.
 */
public final class BlockCache implements ReadSource {

    public static final int BLOCK_SIZE = 4 << 20;
    public static final int BLOCKS = 4;
    /** Blocks fetched ahead of an in-order reader: the network keeps going while the reader works. */
    public static final int AHEAD = 3;

    private final ReadSource inner;
    private final int blockSize;
    private final long size;
    private final Map<Long, byte[]> blocks;
    private final AtomicLong fetches = new AtomicLong();
    private long last = -2;
    private final int depth;
    /** Blocks being fetched ahead, by index: at most {@code depth}. */
    private final Map<Long, FutureTask<byte[]>> ahead = new LinkedHashMap<>();

    public BlockCache(ReadSource inner) throws IOException {
        this(inner, BLOCK_SIZE, BLOCKS, AHEAD);
    }

    public BlockCache(ReadSource inner, int blockSize, int count) throws IOException {
        this(inner, blockSize, count, 1);
    }

    /**
     * @param count blocks kept
     * @param depth blocks fetched ahead at most (0: none) when the reads go in order
     */
    public BlockCache(ReadSource inner, int blockSize, int count, int depth) throws IOException {
        this.inner = Objects.requireNonNull(inner, "inner");
        if (blockSize < 512 || count < 1 || count > 64 || depth < 0 || depth > 16) {
            throw new IllegalArgumentException("blockSize must be at least 512, count 1 to 64, depth 0 to 16");
        }
        this.blockSize = blockSize;
        this.depth = depth;
        this.size = inner.size();
        this.blocks = new LinkedHashMap<>(count * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > count;
            }
        };
    }

    @Override
    public long size() {
        return size;
    }

    /** How many blocks were fetched from the source so far (each one ranged request or a few). */
    public long fetches() {
        return fetches.get();
    }

    @Override
    public synchronized int read(long position, byte[] buf, int off, int len) throws IOException {
        int readable = ReadSource.readable(size, position, buf, off, len);
        if (readable <= 0) {
            return readable;
        }
        byte[] block = block(position / blockSize);
        int at = (int) (position % blockSize);
        int n = Math.min(len, block.length - at);
        System.arraycopy(block, at, buf, off, n);
        return n;
    }

    @Override
    public synchronized int read(long position, ByteBuffer dst) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position");
        }
        if (position >= size) {
            return -1;
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        byte[] block = block(position / blockSize);
        int at = (int) (position % blockSize);
        int n = Math.min(dst.remaining(), block.length - at);
        dst.put(block, at, n);
        return n;
    }

    private byte[] block(long index) throws IOException {
        byte[] block = blocks.get(index);
        if (block == null) {
            FutureTask<byte[]> early = ahead.remove(index);
            block = early != null ? await(early) : fetch(index);
            blocks.put(index, block);
        }
        boolean inOrder = index == last + 1;
        last = index;
        // fetched for reads that went elsewhere: dropped once done (a running one keeps its slot)
        ahead.entrySet().removeIf(e -> (e.getKey() <= index || e.getKey() > index + depth) && e.getValue().isDone());
        if (inOrder) {
            for (long next = index + 1; next <= index + depth && next * blockSize < size && ahead.size() < depth; next++) {
                if (!blocks.containsKey(next) && !ahead.containsKey(next)) {
                    long n = next;
                    FutureTask<byte[]> task = new FutureTask<>(() -> fetch(n));
                    Thread.ofVirtual().name("ferry-read-ahead").start(task);
                    ahead.put(next, task);
                }
            }
        }
        return block;
    }

    private byte[] fetch(long index) throws IOException {
        long start = index * blockSize;
        byte[] block = new byte[(int) Math.min(blockSize, size - start)];
        try {
            inner.readFully(start, block, 0, block.length);
        } catch (EOFException e) {
            // not a truncated image: the source announced more than it gives
            throw new SourceException("the source ended before the " + size + " bytes it announced ("
                    + e.getMessage() + ")", e);
        }
        fetches.incrementAndGet();
        return block;
    }

    private static byte[] await(FutureTask<byte[]> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading ahead");
        } catch (ExecutionException e) {
            Failures.rethrow(e.getCause());
            throw new IOException(e);
        }
    }

    /**
     * Closes the source under the cache without waiting for a read in progress (which holds the
     * cache): the http(s) and Swift ranged sources cancel their requests, so a reader blocked on a
     * silent server returns at once with an exception; the S3 one aborts the bodies being read, but a
     * request still waiting for its headers ends at the client's read timeout. For a job that must
     * stop now (lease lost, shutdown).
     */
    public void abort() throws IOException {
        inner.close();
    }

    @Override
    public synchronized void close() throws IOException {
        // running requests end by themselves (timeouts); nothing waits for them
        ahead.values().forEach(task -> task.cancel(true));
        ahead.clear();
        blocks.clear();
        inner.close();
    }
}
