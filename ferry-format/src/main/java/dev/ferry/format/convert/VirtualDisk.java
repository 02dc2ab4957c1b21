package dev.ferry.format.convert;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The guest-visible content of an image: its size, the extents it allocates and positioned reads
 * of virtual bytes. One implementation per format reader; every table entry it follows has been
 * bounds-checked against the source, so reads never leave the image file.
 */
public interface VirtualDisk extends Closeable {

    /** Virtual size in bytes. */
    long size();

    /**
     * A fresh cursor over the allocated extents in increasing, non-overlapping virtual order.
     * Whatever is not covered reads as zeros. Metadata may be read lazily as the cursor moves.
     */
    ExtentCursor extents() throws IOException;

    /**
     * Reads exactly {@code len} virtual bytes at {@code position} into {@code buf[off..]}; the range
     * must lie inside {@link #size()}. Unallocated ranges read as zeros.
     */
    void read(long position, byte[] buf, int off, int len) throws IOException;

    /**
     * Reads {@code dst.remaining()} virtual bytes at {@code position} into {@code dst} (advancing its
     * position). Readers override this to read straight into direct buffers; this default goes
     * through a bounded heap array.
     */
    default void read(long position, ByteBuffer dst) throws IOException {
        if (dst.hasArray()) {
            int n = dst.remaining();
            read(position, dst.array(), dst.arrayOffset() + dst.position(), n);
            dst.position(dst.position() + n);
            return;
        }
        byte[] tmp = new byte[Math.min(dst.remaining(), 1 << 20)];
        long p = position;
        while (dst.hasRemaining()) {
            int n = Math.min(tmp.length, dst.remaining());
            read(p, tmp, 0, n);
            dst.put(tmp, 0, n);
            p += n;
        }
    }

    @Override
    default void close() throws IOException {
    }
}
