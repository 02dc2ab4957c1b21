package dev.ferry.format.convert;

import dev.ferry.format.io.ReadSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A {@link ReadSource} that can also read straight into a {@link ByteBuffer}: with a direct buffer
 * the bytes go from the kernel to the buffer the writer will hand back to the kernel, with no copy
 * through the Java heap.
 */
public interface DirectReadSource extends ReadSource {

    /** Reads up to {@code dst.remaining()} bytes at {@code position}; -1 at or past the end. */
    int read(long position, ByteBuffer dst) throws IOException;

    /**
     * Fills {@code dst} (position to limit) from {@code src} at {@code position}, directly when the
     * source supports it, through a bounded heap buffer otherwise.
     */
    static void readFully(ReadSource src, long position, ByteBuffer dst) throws IOException {
        if (src instanceof DirectReadSource d) {
            long p = position;
            while (dst.hasRemaining()) {
                int n = d.read(p, dst);
                if (n < 0) {
                    throw new EOFException("end of source at " + p);
                }
                p += n;
            }
        } else if (dst.hasArray()) {
            int n = dst.remaining();
            src.readFully(position, dst.array(), dst.arrayOffset() + dst.position(), n);
            dst.position(dst.position() + n);
        } else {
            byte[] tmp = new byte[Math.min(dst.remaining(), 1 << 20)];
            long p = position;
            while (dst.hasRemaining()) {
                int n = Math.min(tmp.length, dst.remaining());
                src.readFully(p, tmp, 0, n);
                dst.put(tmp, 0, n);
                p += n;
            }
        }
    }
}
