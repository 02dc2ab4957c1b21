package dev.ferry.format.qcow2;

/**
 * An active L1 table entry: bits 9-55 hold the offset of an L2 table (0 = the range is
 * unallocated), bit 63 is "copied"; bits 0-8 and 56-62 are reserved.
 */
public record L1Entry(long raw) {
    public static final long OFFSET_MASK = 0x00FF_FFFF_FFFF_FE00L;
    public static final long COPIED = 1L << 63;
    public static final long RESERVED_MASK = ~(OFFSET_MASK | COPIED);

    public long l2TableOffset() {
        return raw & OFFSET_MASK;
    }

    public boolean unallocated() {
        return l2TableOffset() == 0;
    }

    public boolean copied() {
        return (raw & COPIED) != 0;
    }

    public long reservedBits() {
        return raw & RESERVED_MASK;
    }

    /** Index into the L1 table of a guest byte offset. */
    public static long index(long guestOffset, Header header) {
        return guestOffset / header.bytesPerL2Table();
    }
}
