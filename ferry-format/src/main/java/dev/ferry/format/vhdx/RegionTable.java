package dev.ferry.format.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The region table (64 KiB at 192 KiB, copy at 256 KiB): where the BAT and metadata regions are. */
public record RegionTable(List<RegionTableEntry> entries) {
    public static final int SIZE = 64 * 1024;
    public static final long TABLE_1_OFFSET = 192 * 1024;
    public static final long TABLE_2_OFFSET = 256 * 1024;
    public static final int MAX_ENTRIES = 2047;
    public static final byte[] SIGNATURE = "regi".getBytes(StandardCharsets.US_ASCII);

    public RegionTable {
        entries = List.copyOf(entries);
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("more than 2047 regions");
        }
    }

    /** Signature, CRC-32C over 64 KiB and an entry count of at most 2047. */
    public static boolean isValid(byte[] b, int off) {
        if (b.length - off < SIZE || !Arrays.equals(b, off, off + 4, SIGNATURE, 0, 4) || !Crc32c.isValid(b, off, SIZE)) {
            return false;
        }
        long count = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(off + 8) & 0xFFFF_FFFFL;
        return count <= MAX_ENTRIES;
    }

    /** Decodes a table that {@link #isValid} accepted. */
    public static RegionTable parse(byte[] b, int off) {
        if (!isValid(b, off)) {
            throw new IllegalArgumentException("not a valid region table");
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int count = bb.getInt(off + 8);
        List<RegionTableEntry> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int e = off + 16 + i * RegionTableEntry.SIZE;
            list.add(new RegionTableEntry(Guids.read(b, e), bb.getLong(e + 16), bb.getInt(e + 24) & 0xFFFF_FFFFL,
                    (bb.getInt(e + 28) & 1) != 0));
        }
        return new RegionTable(list);
    }

    public Optional<RegionTableEntry> find(UUID guid) {
        return entries.stream().filter(e -> e.guid().equals(guid)).findFirst();
    }

    /** The 64 KiB table with its checksum. */
    public byte[] toBytes() {
        byte[] b = new byte[SIZE];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(SIGNATURE);
        bb.putInt(8, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            RegionTableEntry r = entries.get(i);
            int e = 16 + i * RegionTableEntry.SIZE;
            Guids.write(r.guid(), b, e);
            bb.putLong(e + 16, r.fileOffset()).putInt(e + 24, (int) r.length()).putInt(e + 28, r.required() ? 1 : 0);
        }
        Crc32c.seal(b, 0, SIZE);
        return b;
    }
}
