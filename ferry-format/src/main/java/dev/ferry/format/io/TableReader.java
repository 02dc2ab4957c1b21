package dev.ferry.format.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Sequential reads (big-endian for qcow2, little-endian for VMDK) of a table that the caller has already checked to lie inside the
 * source, through a fixed-size buffer: memory is constant whatever the table's length.
 */
public final class TableReader {
    public static final int BUFFER_SIZE = 64 * 1024;

    private final ReadSource source;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private final ByteBuffer view;
    private long bufStart;
    private int bufLen;
    private long pos;
    private long end;

    public TableReader(ReadSource source, ByteOrder order) {
        this.source = source;
        this.view = ByteBuffer.wrap(buf).order(order);
    }

    /** Positions the reader on {@code [offset, offset + length)}. */
    public TableReader seek(long offset, long length) {
        this.pos = offset;
        this.end = offset + length;
        this.bufLen = 0;
        return this;
    }

    public long position() {
        return pos;
    }

    public long nextLong() throws IOException {
        fill(8);
        long v = view.getLong((int) (pos - bufStart));
        pos += 8;
        return v;
    }

    public int nextInt() throws IOException {
        fill(4);
        int v = view.getInt((int) (pos - bufStart));
        pos += 4;
        return v;
    }

    public int nextShort() throws IOException {
        fill(2);
        int v = view.getShort((int) (pos - bufStart)) & 0xffff;
        pos += 2;
        return v;
    }

    public void skip(long n) {
        pos += n;
    }

    private void fill(int need) throws IOException {
        if (pos + need > end) {
            throw new IllegalStateException("read past the table: " + pos + "+" + need + " > " + end);
        }
        if (bufLen > 0 && pos >= bufStart && pos + need <= bufStart + bufLen) {
            return;
        }
        int n = (int) Math.min(BUFFER_SIZE, end - pos);
        source.readFully(pos, buf, 0, n);
        bufStart = pos;
        bufLen = n;
    }
}
