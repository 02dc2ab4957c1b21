package dev.ferry.format.vhd;

/** The VHD checksum: one's complement of the 32-bit sum of a structure's bytes. */
final class Checksums {
    private Checksums() {
    }

    /** Sums {@code len} bytes at {@code off}, skipping the 4-byte checksum field at {@code off + fieldOffset}. */
    static int onesComplementSum(byte[] b, int off, int len, int fieldOffset) {
        int sum = 0;
        for (int i = 0; i < len; i++) {
            if (i < fieldOffset || i >= fieldOffset + 4) {
                sum += b[off + i] & 0xFF;
            }
        }
        return ~sum;
    }
}
