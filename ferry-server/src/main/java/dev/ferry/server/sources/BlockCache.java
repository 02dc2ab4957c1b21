package dev.ferry.server.sources;

import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a remote {@link ReadSource} (one request per read) by aligned blocks and keeps the last
 * few, so that the many small reads of an inspection and the sequential reads of a conversion
 * become a few large ranged requests. Memory is bounded by {@code blocks × blockSize} whatever
 * the source's size. Reads are serialized (the inspector and the converter's reader thread take
 * turns, never together, but the lock costs nothing next to a network round trip).
 */
public final class BlockCache implements ReadSource {

    public static final int BLOCK_SIZE = 4 << 20;
    public static final int BLOCKS = 4;

    private final ReadSource inner;
    private final int blockSize;
    private final long size;
    private final Map<Long, byte[]> blocks;
    private long fetches;

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
    public synchronized long fetches() {
        return fetches;
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
            long start = index * blockSize;
            block = new byte[(int) Math.min(blockSize, size - start)];
            try {
                inner.readFully(start, block, 0, block.length);
            } catch (java.io.EOFException e) {
                // not a truncated image: the source announced more than it gives
                throw new SourceException("the source ended before the " + size + " bytes it announced ("
                        + e.getMessage() + ")", e);
            }
            fetches++;
            blocks.put(index, block);
        }
        return block;
    }

    @Override
    public synchronized void close() throws IOException {
        blocks.clear();
        inner.close();
    }
}
