package dev.ferry.format.qed;

/**
 * The fixed part of the QED header (little-endian, qemu docs/interop/qed_spec.txt). Only the
 * fields needed to describe a refused image are kept.
 *
 * @param clusterSize            bytes per cluster (power of two, 4 KiB to 64 MiB)
 * @param tableSize              table size in clusters
 * @param headerSize             header size in clusters
 * @param features               incompatible feature bits (bit 0: has backing file)
 * @param imageSize              the virtual disk size in bytes (offset 48)
 * @param backingFilenameOffset  offset of the backing file name, 0 when none
 */
public record QedHeader(long clusterSize, long tableSize, long headerSize, long features, long imageSize,
                        long backingFilenameOffset) {
    public static final byte[] MAGIC = {'Q', 'E', 'D', 0};
    /** Bytes up to and including the backing file name offset/size fields. */
    public static final int LENGTH = 64;
    public static final long FEATURE_BACKING_FILE = 1;

    public QedHeader {
        if (imageSize < 0) {
            throw new IllegalArgumentException("image size beyond 2^63: " + imageSize);
        }
    }

    static QedHeader parse(byte[] h) {
        return new QedHeader(u32(h, 4), u32(h, 8), u32(h, 12), u64(h, 16), u64(h, 48), u32(h, 56));
    }

    public boolean hasBackingFile() {
        return (features & FEATURE_BACKING_FILE) != 0;
    }

    private static long u32(byte[] b, int o) {
        return (b[o] & 0xFFL) | (b[o + 1] & 0xFFL) << 8 | (b[o + 2] & 0xFFL) << 16 | (b[o + 3] & 0xFFL) << 24;
    }

    private static long u64(byte[] b, int o) {
        return u32(b, o) | u32(b, o + 4) << 32;
    }
}
