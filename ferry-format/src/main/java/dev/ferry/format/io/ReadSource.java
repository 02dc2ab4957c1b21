package dev.ferry.format.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

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

    /**
     * The checks every positioned read of a source of {@code size} bytes starts with: the arguments
     * (an {@link IndexOutOfBoundsException} or {@link IllegalArgumentException} for bad ones), then
     * how many bytes the read may return: -1 at or past the end, else {@code min(len, size - position)}
     * (0 for an empty read).
     */
    static int readable(long size, long position, byte[] buf, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        if (position >= size) {
            return -1;
        }
        return (int) Math.min(len, size - position);
    }

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

    /**
     * Reads up to {@code dst.remaining()} bytes at {@code position} into {@code dst}; -1 at or past
     * the end. Sources that can (files) override it to read straight into a direct buffer, so bytes
     * go from the kernel to the buffer a writer hands back to the kernel, with no heap copy.
     */
    default int read(long position, ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (dst.hasArray()) {
            int n = read(position, dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        byte[] tmp = new byte[Math.min(dst.remaining(), 1 << 20)];
        int n = read(position, tmp, 0, tmp.length);
        if (n > 0) {
            dst.put(tmp, 0, n);
        }
        return n;
    }

    /** Fills {@code dst} from its position to its limit with the bytes at {@code position}. */
    default void readFully(long position, ByteBuffer dst) throws IOException {
        long p = position;
        while (dst.hasRemaining()) {
            int n = read(p, dst);
            if (n < 0) {
                throw new EOFException("end of source at " + p + " while filling a buffer from " + position);
            }
            if (n == 0) {
                throw new IOException("source returned no bytes at " + p);
            }
            p += n;
        }
    }

    @Override
    default void close() throws IOException {
    }
}
