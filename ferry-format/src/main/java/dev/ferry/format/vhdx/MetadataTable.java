package dev.ferry.format.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The metadata table: the first 64 KiB of the metadata region (no checksum). */
public record MetadataTable(List<MetadataTableEntry> entries) {
    public static final int SIZE = 64 * 1024;
    public static final int MAX_ENTRIES = 2047;
    public static final byte[] SIGNATURE = "metadata".getBytes(StandardCharsets.US_ASCII);

    public MetadataTable {
        entries = List.copyOf(entries);
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("more than 2047 metadata entries");
        }
    }

    public static boolean isValid(byte[] b, int off) {
        if (b.length - off < SIZE || !Arrays.equals(b, off, off + 8, SIGNATURE, 0, 8)) {
            return false;
        }
        return (ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(off + 10) & 0xFFFF) <= MAX_ENTRIES;
    }

    public static MetadataTable parse(byte[] b, int off) {
        if (!isValid(b, off)) {
            throw new IllegalArgumentException("not a valid metadata table");
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int count = bb.getShort(off + 10) & 0xFFFF;
        List<MetadataTableEntry> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int e = off + 32 + i * MetadataTableEntry.SIZE;
            int flags = bb.getInt(e + 24);
            list.add(new MetadataTableEntry(Guids.read(b, e), bb.getInt(e + 16) & 0xFFFF_FFFFL, bb.getInt(e + 20) & 0xFFFF_FFFFL,
                    (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0));
        }
        return new MetadataTable(list);
    }

    public Optional<MetadataTableEntry> find(UUID itemId) {
        return entries.stream().filter(e -> e.itemId().equals(itemId)).findFirst();
    }

    public byte[] toBytes() {
        byte[] b = new byte[SIZE];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(SIGNATURE);
        bb.putShort(10, (short) entries.size());
        for (int i = 0; i < entries.size(); i++) {
            MetadataTableEntry m = entries.get(i);
            int e = 32 + i * MetadataTableEntry.SIZE;
            Guids.write(m.itemId(), b, e);
            bb.putInt(e + 16, (int) m.offset()).putInt(e + 20, (int) m.length())
                    .putInt(e + 24, (m.isUser() ? 1 : 0) | (m.isVirtualDisk() ? 2 : 0) | (m.isRequired() ? 4 : 0));
        }
        return b;
    }
}
