package dev.ferry.format.convert;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes one target format. The converter calls {@link #write} with the non-zero data of the
 * source in strictly increasing, non-overlapping virtual order (any alignment), then
 * {@link #finish()} once; everything never written reads as zeros in the output.
 */
public interface DiskWriter extends Closeable {

    /** The virtual size the output image declares (may be rounded up from the source's). */
    long virtualSize();

    void write(long offset, byte[] buf, int off, int len) throws IOException;

    /**
     * Writes {@code src} (position to limit) at {@code offset}; same contract as the array form.
     * The buffer may be reused by the caller once this returns. Writers override this to hand
     * direct buffers to the kernel without a heap copy; this default copies through an array.
     */
    default void write(long offset, ByteBuffer src) throws IOException {
        if (src.hasArray()) {
            int n = src.remaining();
            write(offset, src.array(), src.arrayOffset() + src.position(), n);
            src.position(src.position() + n);
            return;
        }
        byte[] tmp = new byte[Math.min(src.remaining(), 1 << 20)];
        long o = offset;
        while (src.hasRemaining()) {
            int n = Math.min(tmp.length, src.remaining());
            src.get(tmp, 0, n);
            write(o, tmp, 0, n);
            o += n;
        }
    }

    /** Writes the remaining metadata; the output is complete when this returns. */
    void finish() throws IOException;

    /** Releases the sink; does not finish an unfinished image. */
    @Override
    default void close() throws IOException {
    }
}
