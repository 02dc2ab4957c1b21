package dev.ferry.format.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/** VHDX checksums: CRC-32C of a structure with its 4-byte checksum field (at offset 4) taken as zero. */
final class Crc32c {
    static final int FIELD = 4;

    private Crc32c() {
    }

    static int of(byte[] b, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(b, off, FIELD);
        crc.update(new byte[4]);
        crc.update(b, off + FIELD + 4, len - FIELD - 4);
        return (int) crc.getValue();
    }

    static int stored(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(off + FIELD);
    }

    static boolean isValid(byte[] b, int off, int len) {
        return stored(b, off) == of(b, off, len);
    }

    /** Writes the checksum of {@code b[off..off+len)} into its field. */
    static void seal(byte[] b, int off, int len) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(off + FIELD, of(b, off, len));
    }
}
