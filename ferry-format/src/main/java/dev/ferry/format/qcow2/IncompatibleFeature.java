package dev.ferry.format.qcow2;

/** Bits of the v3 header's {@code incompatible_features}: a reader must understand every set bit. */
public enum IncompatibleFeature {
    /** Refcounts may be stale; harmless for a read-only reader. */
    DIRTY(0),
    /** The image is known to be corrupt. */
    CORRUPT(1),
    /** Guest data lives in another file (named by the data-file extension). */
    EXTERNAL_DATA_FILE(2),
    /** {@code compression_type} (header byte 104) is not zlib. */
    COMPRESSION_TYPE(3),
    /** 128-bit L2 entries with subcluster bitmaps. */
    EXTENDED_L2(4);

    private final int bit;

    IncompatibleFeature(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public long mask() {
        return 1L << bit;
    }

    public boolean isSet(long features) {
        return (features & mask()) != 0;
    }

    /** All bits this enum names; any other set bit is unknown. */
    public static final long KNOWN_MASK = 0x1FL;
}
