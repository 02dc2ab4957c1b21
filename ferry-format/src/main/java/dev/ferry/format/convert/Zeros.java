package dev.ferry.format.convert;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Fast all-zero tests: {@link Arrays#mismatch} against a zero buffer is vectorised by the JIT. */
public final class Zeros {
    private static final byte[] ZERO = new byte[64 * 1024];
    private static final ByteBuffer ZERO_DIRECT = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

    private Zeros() {
    }

    /** True when {@code buf[off..off+len)} holds only zero bytes. */
    public static boolean isZero(byte[] buf, int off, int len) {
        int done = 0;
        while (done < len) {
            int n = Math.min(ZERO.length, len - done);
            if (Arrays.mismatch(buf, off + done, off + done + n, ZERO, 0, n) >= 0) {
                return false;
            }
            done += n;
        }
        return true;
    }

    /** True when {@code buf[off..off+len)} (absolute indices) holds only zero bytes. */
    public static boolean isZero(ByteBuffer buf, int off, int len) {
        // Data granules almost always differ from zero in their first bytes: answer those without
        // the two slices below (a conversion tests 256 Ki granules per GiB; the slices were most of
        // its heap allocation).
        if (len >= Long.BYTES && buf.getLong(off) != 0) {
            return false;
        }
        int done = 0;
        while (done < len) {
            int n = Math.min(ZERO_DIRECT.capacity(), len - done);
            if (buf.slice(off + done, n).mismatch(ZERO_DIRECT.slice(0, n)) >= 0) {
                return false;
            }
            done += n;
        }
        return true;
    }
}
