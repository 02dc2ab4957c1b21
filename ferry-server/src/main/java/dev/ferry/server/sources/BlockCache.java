package dev.ferry.server.sources;

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
 * become a few large ranged requests. When blocks are read in order, the next one is fetched
 * ahead on a thread of its own while the current one is used, so that the network and the reader
 * overlap. Memory is bounded by {@code (count + 1) × blockSize} whatever the source's size.
 * Reads are serialized (the inspector and the converter's reader thread take turns); the inner
 * source must allow two reads at once (the read ahead and a read elsewhere): the ranged sources
 * do, each read being its own request.
 */
public final class BlockCache implements ReadSource {

    public static final int BLOCK_SIZE = 4 << 20;
    public static final int BLOCKS = 4;

    private final ReadSource inner;
    private final int blockSize;
    private final long size;
    private final Map<Long, byte[]> blocks;
    private final AtomicLong fetches = new AtomicLong();
    private long last = -2;
    private Ahead ahead;

    /** A block being fetched ahead. */
    private record Ahead(long index, FutureTask<byte[]> task) {
    }

    public BlockCache(ReadSource inner) throws IOException {
        this(inner, BLOCK_SIZE, BLOCKS);
    }

    public BlockCache(ReadSource inner, int blockSize, int count) throws IOException {
        this.inner = Objects.requireNonNull(inner, "inner");
        if (blockSize < 512 || count < 1 || count > 64) {
            throw new IllegalArgumentException("blockSize must be at least 512 and count 1 to 64");
        }
        this.blockSize = blockSize;
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
        Objects.checkFromIndexSize(off, len, buf.length);
        if (position < 0) {
            throw new IllegalArgumentException("negative position");
        }
        if (position >= size) {
            return -1;
        }
        if (len == 0) {
            return 0;
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
            if (ahead != null && ahead.index() == index) {
                block = await(ahead.task());
                ahead = null;
            } else {
                block = fetch(index);
            }
            blocks.put(index, block);
        }
        boolean inOrder = index == last + 1;
        last = index;
        long next = index + 1;
        if (ahead != null && ahead.index() != next && ahead.task().isDone()) {
            ahead = null; // fetched for a read that went elsewhere
        }
        if (inOrder && ahead == null && next * blockSize < size && !blocks.containsKey(next)) {
            FutureTask<byte[]> task = new FutureTask<>(() -> fetch(next));
            Thread.ofVirtual().name("ferry-read-ahead").start(task);
            ahead = new Ahead(next, task);
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
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            } else if (cause instanceof RuntimeException r) {
                throw r;
            } else if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (ahead != null) {
            ahead.task().cancel(true); // its request ends by itself (timeouts); nothing waits for it
            ahead = null;
        }
        blocks.clear();
        inner.close();
    }
}
