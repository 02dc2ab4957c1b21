package dev.ferry.format.convert;

import java.io.Closeable;
import java.io.IOException;

/**
 * Writes one target format. The converter calls {@link #write} with the non-zero data of the
 * source in strictly increasing, non-overlapping virtual order (any alignment), then
 * {@link #finish()} once; everything never written reads as zeros in the output.
 */
public interface DiskWriter extends Closeable {

    /** The virtual size the output image declares (may be rounded up from the source's). */
    long virtualSize();

    void write(long offset, byte[] buf, int off, int len) throws IOException;

    /** Writes the remaining metadata; the output is complete when this returns. */
    void finish() throws IOException;

    /** Releases the sink; does not finish an unfinished image. */
    @Override
    default void close() throws IOException {
    }
}
