package dev.ferry.format.vmdk;

import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Sequential little-endian reads of a table that the caller has already checked to lie inside the
 * source, through a fixed-size buffer: memory is constant whatever the table's length.
 */
final class TableReader {
    static final int BUFFER_SIZE = 64 * 1024;

    private final ReadSource source;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private final ByteBuffer view = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    private long bufStart;
    private int bufLen;
    private long pos;
    private long end;

    TableReader(ReadSource source) {
        this.source = source;
    }

    /** Positions the reader on {@code [offset, offset + length)}. */
    TableReader seek(long offset, long length) {
        this.pos = offset;
        this.end = offset + length;
        this.bufLen = 0;
        return this;
    }

    long position() {
        return pos;
    }

    long nextLong() throws IOException {
        fill(8);
        long v = view.getLong((int) (pos - bufStart));
        pos += 8;
        return v;
    }

    int nextInt() throws IOException {
        fill(4);
        int v = view.getInt((int) (pos - bufStart));
        pos += 4;
        return v;
    }

    int nextShort() throws IOException {
        fill(2);
        int v = view.getShort((int) (pos - bufStart)) & 0xffff;
        pos += 2;
        return v;
    }

    void skip(long n) {
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
