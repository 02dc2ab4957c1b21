package dev.ferry.format.vhd;

import java.nio.ByteBuffer;

/** Big-endian patching of test images. */
final class ByteArrays {
    private ByteArrays() {
    }

    static void putLong(byte[] b, long at, long value) {
        ByteBuffer.wrap(b).putLong(Math.toIntExact(at), value);
    }
}
