package dev.ferry.format.convert;

import java.util.Arrays;

/** Fast all-zero tests: {@link Arrays#mismatch} against a zero buffer is vectorised by the JIT. */
public final class Zeros {
    private static final byte[] ZERO = new byte[64 * 1024];

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
}
