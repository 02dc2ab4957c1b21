package dev.ferry.format.vhd;

import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The block allocation table of a dynamic VHD: one big-endian uint32 per block, the sector number
 * of the block's sector bitmap (the block's data follows the bitmap), or {@link #UNUSED}.
 * Holds at most {@link #MAX_ENTRIES} entries so its memory is bounded whatever a header claims.
 */
public final class BlockAllocationTable {
    /** Entry of a block that is not allocated (reads as zeros in a dynamic disk). */
    public static final int UNUSED = 0xFFFF_FFFF;
    /**
     * Largest table accepted: 2^21 entries (8 MiB) cover 4 TiB with the default 2 MiB blocks,
     * twice qemu's 2040 GiB VHD maximum.
     */
    public static final int MAX_ENTRIES = 1 << 21;
    private static final int CHUNK = 64 * 1024;

    private final int[] entries;

    public BlockAllocationTable(int[] entries) {
        if (entries.length > MAX_ENTRIES) {
            throw new IllegalArgumentException("BAT has " + entries.length + " entries, more than " + MAX_ENTRIES);
        }
        this.entries = entries.clone();
    }

    /** A table of {@code count} unused entries, for a writer. */
    public static BlockAllocationTable empty(int count) {
        int[] e = new int[count];
        Arrays.fill(e, UNUSED);
        return new BlockAllocationTable(e);
    }

    /**
     * Reads {@code count} entries at {@code offset} in 64 KiB chunks. The caller has checked that
     * the table lies inside the source and that {@code count <= MAX_ENTRIES}.
     */
    public static BlockAllocationTable read(ReadSource source, long offset, int count) throws IOException {
        if (count < 0 || count > MAX_ENTRIES) {
            throw new IllegalArgumentException("BAT entry count " + count + " out of range");
        }
        int[] e = new int[count];
        byte[] buf = new byte[CHUNK];
        int done = 0;
        while (done < count) {
            int n = Math.min(CHUNK / 4, count - done);
            source.readFully(offset + (long) done * 4, buf, 0, n * 4);
            ByteBuffer.wrap(buf, 0, n * 4).asIntBuffer().get(e, done, n);
            done += n;
        }
        return new BlockAllocationTable(e);
    }

    public int size() {
        return entries.length;
    }

    /** The raw entry of block {@code i}. */
    public int entry(int i) {
        return entries[i];
    }

    public boolean isAllocated(int i) {
        return entries[i] != UNUSED;
    }

    /** File offset of block {@code i}'s sector bitmap (its data follows the bitmap); -1 if unused. */
    public long bitmapOffset(int i) {
        return isAllocated(i) ? (entries[i] & 0xFFFF_FFFFL) * 512 : -1;
    }

    public int allocatedCount() {
        int n = 0;
        for (int e : entries) {
            if (e != UNUSED) {
                n++;
            }
        }
        return n;
    }

    /** This table with block {@code i} at sector {@code sector}, for a writer. */
    public BlockAllocationTable withEntry(int i, long sector) {
        if (sector < 0 || sector >= 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("sector " + sector + " does not fit a BAT entry");
        }
        int[] e = entries.clone();
        e[i] = (int) sector;
        return new BlockAllocationTable(e);
    }

    /** The table as stored: big-endian entries padded with unused entries to a 512-byte multiple. */
    public byte[] toBytes() {
        int bytes = (entries.length * 4 + 511) / 512 * 512;
        ByteBuffer bb = ByteBuffer.allocate(bytes);
        for (int e : entries) {
            bb.putInt(e);
        }
        while (bb.hasRemaining()) {
            bb.putInt(UNUSED);
        }
        return bb.array();
    }
}
