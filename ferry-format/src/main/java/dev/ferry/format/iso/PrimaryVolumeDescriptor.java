package dev.ferry.format.iso;

/**
 * The fields of the ISO 9660 Primary Volume Descriptor that size the volume. Both are stored
 * "both-endian" (little-endian then big-endian copy); the copies must agree.
 *
 * @param volumeSpaceSize  logical blocks in the volume (PVD +80)
 * @param logicalBlockSize bytes per logical block (PVD +128), a power of two, 2048 in practice
 */
public record PrimaryVolumeDescriptor(long volumeSpaceSize, int logicalBlockSize) {
    public PrimaryVolumeDescriptor {
        if (volumeSpaceSize < 0 || volumeSpaceSize > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("volume space size " + volumeSpaceSize);
        }
        if (logicalBlockSize < 512 || logicalBlockSize > 0xFFFF || Integer.bitCount(logicalBlockSize) != 1) {
            throw new IllegalArgumentException("logical block size " + logicalBlockSize);
        }
    }

    /** Bytes the volume spans. */
    public long volumeBytes() {
        return volumeSpaceSize * logicalBlockSize;
    }

    /**
     * Parses the sizes from a PVD sector.
     *
     * @throws IllegalArgumentException when the both-endian copies disagree or a value is invalid
     */
    static PrimaryVolumeDescriptor parse(byte[] s) {
        long le = u32le(s, 80);
        long be = u32be(s, 84);
        int bsLe = (s[128] & 0xFF) | (s[129] & 0xFF) << 8;
        int bsBe = (s[130] & 0xFF) << 8 | (s[131] & 0xFF);
        if (le != be || bsLe != bsBe) {
            throw new IllegalArgumentException("both-endian copies of the PVD sizes differ");
        }
        return new PrimaryVolumeDescriptor(le, bsLe);
    }

    private static long u32le(byte[] b, int o) {
        return (b[o] & 0xFFL) | (b[o + 1] & 0xFFL) << 8 | (b[o + 2] & 0xFFL) << 16 | (b[o + 3] & 0xFFL) << 24;
    }

    private static long u32be(byte[] b, int o) {
        return (b[o] & 0xFFL) << 24 | (b[o + 1] & 0xFFL) << 16 | (b[o + 2] & 0xFFL) << 8 | (b[o + 3] & 0xFFL);
    }
}
