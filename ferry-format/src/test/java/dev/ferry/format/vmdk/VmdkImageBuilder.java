package dev.ferry.format.vmdk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.Deflater;

/**
 * Builds small hosted sparse VMDK images in memory: header at sector 0, descriptor from sector 1,
 * grain directory and grain tables inside the overhead (qemu's layout), then grains. Stream mode
 * writes zlib grains behind grain markers and an end-of-stream sector; footer mode also sets
 * gdOffset to GD_AT_END and appends footer marker, footer and end-of-stream marker.
 */
final class VmdkImageBuilder {
    static final int DESCRIPTOR_SECTORS = 4;

    private boolean stream;
    private boolean footer;
    private long capacity = 2048;
    private long grainSize = 8;
    private long numGTEs = 512;
    private int version = 1;
    private String createType;
    private String descriptor;
    private final TreeMap<Long, Byte> grains = new TreeMap<>();
    private final List<long[]> patches = new ArrayList<>();
    private final List<long[]> footerPatches = new ArrayList<>();

    static VmdkImageBuilder monolithicSparse() {
        return new VmdkImageBuilder();
    }

    static VmdkImageBuilder streamOptimized() {
        VmdkImageBuilder b = new VmdkImageBuilder();
        b.stream = true;
        b.version = 3;
        return b;
    }

    VmdkImageBuilder withFooter() {
        this.footer = true;
        return this;
    }

    VmdkImageBuilder capacity(long sectors) {
        this.capacity = sectors;
        return this;
    }

    VmdkImageBuilder createType(String type) {
        this.createType = type;
        return this;
    }

    /** Replaces the whole descriptor text. */
    VmdkImageBuilder descriptor(String text) {
        this.descriptor = text;
        return this;
    }

    /** A grain of guest data at grain index {@code grain}, filled with {@code fill}. */
    VmdkImageBuilder grain(long grain, int fill) {
        grains.put(grain, (byte) fill);
        return this;
    }

    /** Overwrites {@code width} little-endian bytes at {@code offset} after layout. */
    VmdkImageBuilder patch(long offset, int width, long value) {
        patches.add(new long[] {offset, width, value});
        return this;
    }

    /** Patches the footer (offset relative to the footer sector). */
    VmdkImageBuilder patchFooter(long offset, int width, long value) {
        footerPatches.add(new long[] {offset, width, value});
        return this;
    }

    String defaultDescriptor() {
        String type = createType != null ? createType : stream ? "streamOptimized" : "monolithicSparse";
        return "# Disk DescriptorFile\nversion=1\nCID=d773dfe7\nparentCID=ffffffff\ncreateType=\"" + type + "\"\n\n"
                + "# Extent description\nRW " + capacity + " SPARSE \"test.vmdk\"\n\n# The Disk Data Base\n#DDB\n\n"
                + "ddb.virtualHWVersion = \"4\"\nddb.geometry.cylinders = \"2\"\nddb.adapterType = \"ide\"\n";
    }

    long gdEntries() {
        long per = grainSize * numGTEs;
        return (capacity + per - 1) / per;
    }

    long gdSector() {
        return 1 + DESCRIPTOR_SECTORS;
    }

    long firstGtSector() {
        return gdSector() + (gdEntries() * 4 + 511) / 512;
    }

    long gtSectors() {
        return (numGTEs * 4 + 511) / 512;
    }

    long overHead() {
        long end = firstGtSector() + gdEntries() * gtSectors();
        return (end + grainSize - 1) / grainSize * grainSize;
    }

    byte[] header(long gdOffset) {
        ByteBuffer h = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        h.put(0, new byte[] {'K', 'D', 'M', 'V'});
        h.putInt(4, version);
        h.putInt(8, (int) (stream ? 0x30001 : 0x1));
        h.putLong(12, capacity);
        h.putLong(20, grainSize);
        h.putLong(28, 1);
        h.putLong(36, DESCRIPTOR_SECTORS);
        h.putInt(44, (int) numGTEs);
        h.putLong(48, 0);
        h.putLong(56, gdOffset);
        h.putLong(64, overHead());
        h.put(73, (byte) '\n');
        h.put(74, (byte) ' ');
        h.put(75, (byte) '\r');
        h.put(76, (byte) '\n');
        h.putShort(77, (short) (stream ? 1 : 0));
        return h.array();
    }

    byte[] build() {
        long grainBytes = grainSize * 512;
        ByteBuffer out = ByteBuffer.allocate(16 << 20).order(ByteOrder.LITTLE_ENDIAN);
        out.put(0, header(footer ? SparseExtentHeader.GD_AT_END : gdSector()));
        byte[] desc = (descriptor != null ? descriptor : defaultDescriptor()).getBytes(StandardCharsets.ISO_8859_1);
        out.put(512, desc, 0, Math.min(desc.length, DESCRIPTOR_SECTORS * 512));
        for (long i = 0; i < gdEntries(); i++) {
            out.putInt((int) (gdSector() * 512 + 4 * i), (int) (firstGtSector() + i * gtSectors()));
        }
        long sector = overHead();
        for (var g : grains.entrySet()) {
            long grain = g.getKey();
            long gtEntry = (firstGtSector() + (grain / numGTEs) * gtSectors()) * 512 + 4 * (grain % numGTEs);
            out.putInt((int) gtEntry, (int) sector);
            byte[] plain = new byte[(int) grainBytes];
            Arrays.fill(plain, g.getValue());
            if (stream) {
                byte[] z = deflate(plain);
                out.putLong((int) (sector * 512), grain * grainSize);
                out.putInt((int) (sector * 512 + 8), z.length);
                out.put((int) (sector * 512 + 12), z);
                sector += (12 + z.length + 511) / 512;
            } else {
                out.put((int) (sector * 512), plain);
                sector += grainSize;
            }
        }
        if (footer) {
            out.putInt((int) (sector * 512 + 12), (int) Marker.TYPE_FOOTER);
            sector++;
            out.put((int) (sector * 512), header(gdSector()));
            for (long[] p : footerPatches) {
                put(out, sector * 512 + p[0], (int) p[1], p[2]);
            }
            sector++;
            sector++; // end-of-stream marker: a zero sector
        } else if (stream) {
            sector++; // end-of-stream marker
        }
        for (long[] p : patches) {
            put(out, p[0], (int) p[1], p[2]);
        }
        return Arrays.copyOf(out.array(), (int) (sector * 512));
    }

    private static void put(ByteBuffer b, long offset, int width, long value) {
        int off = (int) offset;
        switch (width) {
            case 1 -> b.put(off, (byte) value);
            case 2 -> b.putShort(off, (short) value);
            case 4 -> b.putInt(off, (int) value);
            case 8 -> b.putLong(off, value);
            default -> throw new IllegalArgumentException("width " + width);
        }
    }

    static byte[] deflate(byte[] plain) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, false);
        d.setInput(plain);
        d.finish();
        byte[] buf = new byte[plain.length * 2 + 64];
        int n = d.deflate(buf);
        d.end();
        return Arrays.copyOf(buf, n);
    }
}
