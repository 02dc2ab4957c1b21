package dev.ferry.format.vmdk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The hosted sparse extent header (VMware "Virtual Disk Format 1.1", {@code SparseExtentHeader}):
 * 512 bytes, little-endian, at sector 0 and, for streams with {@link #GD_AT_END}, again as the
 * footer. Sector counts are kept as read; unsigned 32-bit fields are widened to {@code long}.
 */
public record SparseExtentHeader(int magic, long version, long flags, long capacity, long grainSize,
                                 long descriptorOffset, long descriptorSize, long numGTEsPerGT,
                                 long rgdOffset, long gdOffset, long overHead, int uncleanShutdown,
                                 boolean newlineTestIntact, int compressAlgorithm) {
    public static final int SIZE = 512;
    /** "KDMV" read as a little-endian int. */
    public static final int MAGIC = 0x564D444B;
    /** gdOffset of a stream whose grain directory is found through the footer. */
    public static final long GD_AT_END = 0xFFFFFFFFFFFFFFFFL;
    public static final long FLAG_VALID_NEWLINE_TEST = 1L;
    public static final long FLAG_REDUNDANT_GRAIN_TABLE = 1L << 1;
    public static final long FLAG_ZEROED_GRAIN_GTE = 1L << 2;
    public static final long FLAG_COMPRESSED = 1L << 16;
    public static final long FLAG_MARKERS = 1L << 17;
    public static final int COMPRESSION_NONE = 0;
    public static final int COMPRESSION_DEFLATE = 1;

    public static SparseExtentHeader parse(byte[] sector) {
        if (sector.length < SIZE) {
            throw new IllegalArgumentException("need 512 bytes, got " + sector.length);
        }
        ByteBuffer b = ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN);
        boolean newline = sector[73] == '\n' && sector[74] == ' ' && sector[75] == '\r' && sector[76] == '\n';
        return new SparseExtentHeader(b.getInt(0), Integer.toUnsignedLong(b.getInt(4)),
                Integer.toUnsignedLong(b.getInt(8)), b.getLong(12), b.getLong(20), b.getLong(28), b.getLong(36),
                Integer.toUnsignedLong(b.getInt(44)), b.getLong(48), b.getLong(56), b.getLong(64),
                sector[72] & 0xff, newline, b.getShort(77) & 0xffff);
    }

    public boolean hasMagic() {
        return magic == MAGIC;
    }

    public boolean hasMarkers() {
        return (flags & FLAG_MARKERS) != 0;
    }

    public boolean compressed() {
        return (flags & FLAG_COMPRESSED) != 0;
    }

    public boolean zeroedGrainEntries() {
        return (flags & FLAG_ZEROED_GRAIN_GTE) != 0;
    }

    public boolean gdAtEnd() {
        return gdOffset == GD_AT_END;
    }

    /** Bytes per grain; valid once the grain size was checked. */
    public long grainBytes() {
        return grainSize * 512;
    }

    /** Guest sectors covered by one grain table. */
    public long sectorsPerGrainTable() {
        return grainSize * numGTEsPerGT;
    }

    /** Grain directory entries needed for {@link #capacity}; valid once grain size and GT size were checked. */
    public long grainDirectoryEntries() {
        long per = sectorsPerGrainTable();
        return capacity / per + (capacity % per == 0 ? 0 : 1);
    }
}
