package dev.ferry.format.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Builds small VHDX images in memory for tests, laid out like qemu-img's (log at 1 MiB, BAT at
 * 2 MiB, metadata at 3 MiB with items at +64 KiB, payload from 4 MiB), with its own little-endian
 * encoding. Mutable fields; {@link #build()} then optional byte patches and {@link #resealHeaders} /
 * {@link #resealRegionTables}.
 */
final class VhdxImage {
    static final int MIB = 1 << 20;
    static final UUID BAT = UUID.fromString("2DC27766-F623-4200-9D64-115E9BFD4A08");
    static final UUID METADATA = UUID.fromString("8B7CA206-4790-4B9A-B8FE-575F050F886E");
    static final UUID FILE_PARAMETERS = UUID.fromString("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
    static final UUID VIRTUAL_DISK_SIZE = UUID.fromString("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
    static final UUID PAGE_83 = UUID.fromString("BECA12AB-B2E6-4523-93EF-C309E000C746");
    static final UUID LOGICAL_SECTOR = UUID.fromString("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
    static final UUID PHYSICAL_SECTOR = UUID.fromString("CDA348C7-445D-4471-9CC9-E9885251C556");
    static final UUID PARENT_LOCATOR = UUID.fromString("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");

    static final int META_AT = 3 * MIB;
    static final int BAT_AT = 2 * MIB;
    static final int DATA_AT = 4 * MIB;

    long virtualSize = 4L * MIB;
    int blockSize = MIB;
    int fileParameterFlags;
    int logicalSector = 512;
    int physicalSector = 4096;
    UUID logGuid = new UUID(0, 0);
    int version = 1;
    /** Payload blocks that are FULLY_PRESENT, stored from 4 MiB on in this order. */
    List<Integer> allocated = new ArrayList<>();
    /** Extra metadata entries: {guid, flags}; each gets 8 zero bytes of data. */
    List<Object[]> extraItems = new ArrayList<>();
    /** Extra region entries: {guid, offset, length, required}. */
    List<Object[]> extraRegions = new ArrayList<>();

    long chunkRatio() {
        return (1L << 23) * logicalSector / blockSize;
    }

    /** BAT index of payload block i. */
    long batIndex(long block) {
        return block + block / chunkRatio();
    }

    byte[] build() {
        byte[] img = new byte[DATA_AT + allocated.size() * blockSize];
        ByteBuffer le = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        put(img, 0, "vhdxfile".getBytes(StandardCharsets.US_ASCII));
        put(img, 8, "Ferry test".getBytes(StandardCharsets.UTF_16LE));
        for (int h = 0; h < 2; h++) {
            int at = (1 + h) * 64 * 1024;
            put(img, at, "head".getBytes(StandardCharsets.US_ASCII));
            le.putLong(at + 8, h + 1);
            guid(img, at + 16, new UUID(1, 2 + h));
            guid(img, at + 32, new UUID(3, 4));
            guid(img, at + 48, logGuid);
            le.putShort(at + 64, (short) 0).putShort(at + 66, (short) version).putInt(at + 68, MIB).putLong(at + 72, MIB);
        }
        resealHeaders(img);
        for (int t = 0; t < 2; t++) {
            int at = (3 + t) * 64 * 1024;
            put(img, at, "regi".getBytes(StandardCharsets.US_ASCII));
            le.putInt(at + 8, 2 + extraRegions.size());
            region(img, at + 16, BAT, BAT_AT, MIB, true);
            region(img, at + 48, METADATA, META_AT, MIB, true);
            for (int i = 0; i < extraRegions.size(); i++) {
                Object[] r = extraRegions.get(i);
                region(img, at + 80 + 32 * i, (UUID) r[0], (Long) r[1], (Integer) r[2], (Boolean) r[3]);
            }
        }
        resealRegionTables(img);
        put(img, META_AT, "metadata".getBytes(StandardCharsets.US_ASCII));
        le.putShort(META_AT + 10, (short) (5 + extraItems.size()));
        int item = 64 * 1024;
        item = item(img, 0, FILE_PARAMETERS, item, 8, 4);
        le.putInt(META_AT + item - 8, blockSize).putInt(META_AT + item - 4, fileParameterFlags);
        item = item(img, 1, VIRTUAL_DISK_SIZE, item, 8, 6);
        le.putLong(META_AT + item - 8, virtualSize);
        item = item(img, 2, PAGE_83, item, 16, 6);
        item = item(img, 3, LOGICAL_SECTOR, item, 4, 6);
        le.putInt(META_AT + item - 4, logicalSector);
        item = item(img, 4, PHYSICAL_SECTOR, item, 4, 6);
        le.putInt(META_AT + item - 4, physicalSector);
        for (int i = 0; i < extraItems.size(); i++) {
            item = item(img, 5 + i, (UUID) extraItems.get(i)[0], item, 8, (Integer) extraItems.get(i)[1]);
        }
        for (int k = 0; k < allocated.size(); k++) {
            setBat(img, batIndex(allocated.get(k)), (DATA_AT + (long) k * blockSize) | 6);
        }
        return img;
    }

    static void setBat(byte[] img, long index, long raw) {
        ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN).putLong(Math.toIntExact(BAT_AT + index * 8), raw);
    }

    private static int item(byte[] img, int index, UUID id, int offset, int length, int flags) {
        int e = META_AT + 32 + 32 * index;
        guid(img, e, id);
        ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN).putInt(e + 16, offset).putInt(e + 20, length).putInt(e + 24, flags);
        return offset + length;
    }

    private static void region(byte[] img, int e, UUID id, long offset, int length, boolean required) {
        guid(img, e, id);
        ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN).putLong(e + 16, offset).putInt(e + 24, length).putInt(e + 28, required ? 1 : 0);
    }

    static void guid(byte[] b, int off, UUID id) {
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long msb = id.getMostSignificantBits();
        le.putInt(off, (int) (msb >>> 32)).putShort(off + 4, (short) (msb >>> 16)).putShort(off + 6, (short) msb);
        ByteBuffer.wrap(b).putLong(off + 8, id.getLeastSignificantBits());
    }

    private static void put(byte[] img, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, img, at, bytes.length);
    }

    static void seal(byte[] img, int at, int len) {
        ByteBuffer le = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        le.putInt(at + 4, 0);
        CRC32C crc = new CRC32C();
        crc.update(img, at, len);
        le.putInt(at + 4, (int) crc.getValue());
    }

    static void resealHeaders(byte[] img) {
        seal(img, 64 * 1024, 4096);
        seal(img, 128 * 1024, 4096);
    }

    static void resealRegionTables(byte[] img) {
        seal(img, 192 * 1024, 64 * 1024);
        seal(img, 256 * 1024, 64 * 1024);
    }
}
