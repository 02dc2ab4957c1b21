package dev.ferry.format.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;

/**
 * Positioned, random-access reads of an image: a file, an HTTP range reader or an object-store
 * range reader. Implementations must be safe for one reader at a time; inspection never assumes
 * the size is small or that the whole source fits in memory.
 */
public interface ReadSource extends Closeable {

    /** Total length in bytes. */
    long size() throws IOException;

    /**
     * Reads up to {@code len} bytes at {@code position} into {@code buf[off..]}; returns the count
     * read, or -1 at or past the end.
     */
    int read(long position, byte[] buf, int off, int len) throws IOException;

    /** Reads exactly {@code len} bytes at {@code position}, or throws {@link EOFException}. */
    default void readFully(long position, byte[] buf, int off, int len) throws IOException {
        if (position < 0 || off < 0 || len < 0 || off + len > buf.length) {
            throw new IllegalArgumentException("bad range: position=" + position + " off=" + off + " len=" + len);
        }
        int done = 0;
        while (done < len) {
            int n = read(position + done, buf, off + done, len - done);
            if (n < 0) {
                throw new EOFException("end of source at " + (position + done) + " while reading " + len + " bytes at " + position);
            }
            if (n == 0) {
                // A source that makes no progress would spin here forever; treat it as broken.
                throw new IOException("source returned no bytes at " + (position + done) + " while reading " + len + " bytes");
            }
            done += n;
        }
    }

    /** Reads exactly {@code len} bytes at {@code position} into a new array. */
    default byte[] readFully(long position, int len) throws IOException {
        byte[] b = new byte[len];
        readFully(position, b, 0, len);
        return b;
    }

    @Override
    default void close() throws IOException {
    }
}
