package dev.ferry.format.qcow2;

/**
 * A standard (64-bit) L2 entry, the cluster descriptor of one guest cluster.
 *
 * <p>Standard cluster: bit 0 "reads as zeros" (v3), bits 9-55 host cluster offset (0 with bit 0
 * clear = unallocated), bits 1-8 and 56-61 reserved. Compressed cluster (bit 62): bits 0..x-1 are
 * the host byte offset and bits x..61 the number of additional 512-byte sectors, with
 * {@code x = 62 - (cluster_bits - 8)}. Bit 63 is "copied".
 *
 * @param raw         the entry as stored
 * @param clusterBits the image's cluster_bits, needed to split compressed descriptors
 */
public record L2Entry(long raw, int clusterBits) {
    public static final long COPIED = 1L << 63;
    public static final long COMPRESSED = 1L << 62;
    public static final long ZERO = 1L;
    public static final long OFFSET_MASK = 0x00FF_FFFF_FFFF_FE00L;
    /** Reserved bits of a standard descriptor (1-8, 56-61). */
    public static final long STANDARD_RESERVED_MASK = 0x3F00_0000_0000_01FEL;

    public L2Entry {
        if (clusterBits < Header.MIN_CLUSTER_BITS || clusterBits > Header.MAX_CLUSTER_BITS) {
            throw new IllegalArgumentException("cluster_bits " + clusterBits);
        }
    }

    public boolean compressed() {
        return (raw & COMPRESSED) != 0;
    }

    public boolean copied() {
        return (raw & COPIED) != 0;
    }

    /** Standard cluster with the zero flag: reads as zeros whatever the offset says. */
    public boolean zero() {
        return !compressed() && (raw & ZERO) != 0;
    }

    /** Standard cluster with neither an offset nor the zero flag: reads as zeros (no backing file). */
    public boolean unallocated() {
        return !compressed() && hostClusterOffset() == 0 && !zero();
    }

    /** Host offset of a standard cluster (0 = none). */
    public long hostClusterOffset() {
        return raw & OFFSET_MASK;
    }

    public long standardReservedBits() {
        return raw & STANDARD_RESERVED_MASK;
    }

    /** x: the number of bits holding a compressed cluster's host byte offset. */
    public int compressedOffsetBits() {
        return 62 - (clusterBits - 8);
    }

    /** Host byte offset of a compressed cluster's data (not aligned). */
    public long compressedHostOffset() {
        return raw & ((1L << compressedOffsetBits()) - 1);
    }

    /** Additional 512-byte sectors after the one holding {@link #compressedHostOffset()}. */
    public long compressedAdditionalSectors() {
        return (raw & ~(COPIED | COMPRESSED)) >>> compressedOffsetBits();
    }

    /** Bytes to read for a compressed cluster (may include the start of the next one). */
    public long compressedLength() {
        return (compressedAdditionalSectors() + 1) * 512 - (compressedHostOffset() & 511);
    }

    /** Index into an L2 table of a guest byte offset. */
    public static long index(long guestOffset, Header header) {
        return (guestOffset / header.clusterSize()) % header.l2Entries();
    }
}
