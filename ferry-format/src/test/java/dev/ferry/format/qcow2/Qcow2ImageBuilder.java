package dev.ferry.format.qcow2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * Builds small, valid qcow2 images in memory, laid out as qemu does: header and extensions in
 * cluster 0, refcount table in cluster 1, one refcount block in cluster 2, the L1 table from
 * cluster 3, then L2 tables and data clusters. Tests break one thing with {@link #patch} or the
 * setters and check the resulting rejection code.
 */
final class Qcow2ImageBuilder {
    private int version = 3;
    private int clusterBits = 12;
    private long size = 1L << 20;
    private long incompatible;
    private long compatible;
    private long autoclear;
    private int compressionType;
    private long cryptMethod;
    private String backingFile;
    private final List<long[]> extensionHeaders = new ArrayList<>();
    private final List<byte[]> extensionData = new ArrayList<>();
    /** guest cluster index -> raw L2 entry override (else a data cluster is allocated). */
    private final TreeMap<Long, Long> rawL2 = new TreeMap<>();
    private final TreeMap<Long, Byte> data = new TreeMap<>();
    private final List<long[]> patches = new ArrayList<>();
    private long extraL1Size = -1;
    private int truncateTo = -1;
    private boolean snapshot;

    static Qcow2ImageBuilder v3() {
        return new Qcow2ImageBuilder();
    }

    static Qcow2ImageBuilder v2() {
        Qcow2ImageBuilder b = new Qcow2ImageBuilder();
        b.version = 2;
        return b;
    }

    Qcow2ImageBuilder clusterBits(int bits) {
        this.clusterBits = bits;
        return this;
    }

    Qcow2ImageBuilder size(long bytes) {
        this.size = bytes;
        return this;
    }

    Qcow2ImageBuilder incompatible(long bits) {
        this.incompatible |= bits;
        return this;
    }

    Qcow2ImageBuilder compatible(long bits) {
        this.compatible |= bits;
        return this;
    }

    Qcow2ImageBuilder autoclear(long bits) {
        this.autoclear |= bits;
        return this;
    }

    Qcow2ImageBuilder zstd() {
        this.incompatible |= IncompatibleFeature.COMPRESSION_TYPE.mask();
        this.compressionType = 1;
        return this;
    }

    Qcow2ImageBuilder cryptMethod(long method) {
        this.cryptMethod = method;
        return this;
    }

    Qcow2ImageBuilder backingFile(String name) {
        this.backingFile = name;
        return this;
    }

    Qcow2ImageBuilder l1Size(long entries) {
        this.extraL1Size = entries;
        return this;
    }

    Qcow2ImageBuilder extension(int type, byte[] payload) {
        extensionHeaders.add(new long[] {type, payload.length});
        extensionData.add(payload);
        return this;
    }

    /** Allocates a data cluster for a guest cluster, filled with {@code fill}. */
    Qcow2ImageBuilder data(long guestCluster, int fill) {
        data.put(guestCluster, (byte) fill);
        return this;
    }

    /** Stores {@code raw} as the L2 entry of a guest cluster (no data cluster allocated). */
    Qcow2ImageBuilder l2Entry(long guestCluster, long raw) {
        rawL2.put(guestCluster, raw);
        return this;
    }

    /** Overwrites {@code width} bytes (1, 2, 4 or 8, big-endian) at {@code offset} after layout. */
    Qcow2ImageBuilder patch(long offset, int width, long value) {
        patches.add(new long[] {offset, width, value});
        return this;
    }

    /** Adds one internal snapshot: a copy of the L1 table and a snapshot table, in two clusters at the end. */
    Qcow2ImageBuilder snapshot() {
        this.snapshot = true;
        return this;
    }

    Qcow2ImageBuilder truncate(int length) {
        this.truncateTo = length;
        return this;
    }

    long clusterSize() {
        return 1L << clusterBits;
    }

    int headerLength() {
        return version == 2 ? 72 : 112;
    }

    /** Offset of the first L1 table byte (cluster 3). */
    long l1Offset() {
        return 3 * clusterSize();
    }

    long l1Entries() {
        if (extraL1Size >= 0) {
            return extraL1Size;
        }
        long perTable = clusterSize() * (clusterSize() / 8);
        return Math.max(1, (size + perTable - 1) / perTable);
    }

    long l1Clusters() {
        return Math.max(1, (l1Entries() * 8 + clusterSize() - 1) / clusterSize());
    }

    /** Offset of the L2 table that maps guest cluster 0 (right after the L1 table). */
    long firstL2Offset() {
        return l1Offset() + l1Clusters() * clusterSize();
    }

    byte[] build() {
        long cs = clusterSize();
        long l2PerTable = cs / 8;
        TreeMap<Long, Long> l2Tables = new TreeMap<>(); // l1 index -> offset
        long next = firstL2Offset();
        TreeMap<Long, Boolean> guests = new TreeMap<>();
        data.keySet().forEach(g -> guests.put(g, true));
        rawL2.keySet().forEach(g -> guests.put(g, true));
        for (long g : guests.keySet()) {
            long l1 = g / l2PerTable;
            if (!l2Tables.containsKey(l1)) {
                l2Tables.put(l1, next);
                next += cs;
            }
        }
        TreeMap<Long, Long> dataOffsets = new TreeMap<>();
        for (long g : data.keySet()) {
            dataOffsets.put(g, next);
            next += cs;
        }
        long snapshotL1 = next;
        long snapshotTable = next + l1Clusters() * cs;
        if (snapshot) {
            next = snapshotTable + cs;
        }
        long fileSize = next;
        if (fileSize > Integer.MAX_VALUE) {
            throw new IllegalStateException("image too big for a test");
        }
        ByteBuffer b = ByteBuffer.allocate((int) fileSize);
        // header
        b.putInt(0, Header.MAGIC);
        b.putInt(4, version);
        b.putInt(20, clusterBits);
        b.putLong(24, size);
        b.putInt(32, (int) cryptMethod);
        b.putInt(36, (int) l1Entries());
        b.putLong(40, l1Offset());
        b.putLong(48, cs);
        b.putInt(56, 1);
        if (version == 3) {
            b.putLong(72, incompatible);
            b.putLong(80, compatible);
            b.putLong(88, autoclear);
            b.putInt(96, 4);
            b.putInt(100, headerLength());
            b.put(104, (byte) compressionType);
        }
        int pos = headerLength();
        for (int i = 0; i < extensionHeaders.size(); i++) {
            byte[] payload = extensionData.get(i);
            b.putInt(pos, (int) extensionHeaders.get(i)[0]);
            b.putInt(pos + 4, payload.length);
            b.put(pos + 8, payload);
            pos += 8 + ((payload.length + 7) & ~7);
        }
        pos += 8; // end marker (zeros)
        if (backingFile != null) {
            byte[] name = backingFile.getBytes(StandardCharsets.UTF_8);
            b.putLong(8, pos);
            b.putInt(16, name.length);
            b.put(pos, name);
        }
        // refcounts (16-bit) for every cluster in the file
        long clusters = fileSize / cs;
        b.putLong((int) cs, 2 * cs);
        for (long c = 0; c < clusters && c < cs / 2; c++) {
            b.putShort((int) (2 * cs + 2 * c), (short) 1);
        }
        // L1 and L2
        for (var e : l2Tables.entrySet()) {
            b.putLong((int) (l1Offset() + 8 * e.getKey()), e.getValue() | L1Entry.COPIED);
        }
        for (long g : guests.keySet()) {
            long table = l2Tables.get(g / l2PerTable);
            long slot = table + 8 * (g % l2PerTable);
            long raw = rawL2.containsKey(g) ? rawL2.get(g) : dataOffsets.get(g) | L2Entry.COPIED;
            b.putLong((int) slot, raw);
        }
        for (var e : dataOffsets.entrySet()) {
            byte[] fill = new byte[(int) cs];
            Arrays.fill(fill, data.get(e.getKey()));
            b.put(e.getValue().intValue(), fill);
        }
        if (snapshot) {
            for (var e : l2Tables.entrySet()) {
                b.putLong((int) (snapshotL1 + 8 * e.getKey()), e.getValue());
            }
            int t = (int) snapshotTable;
            b.putLong(t, snapshotL1);
            b.putInt(t + 8, (int) l1Entries());
            b.putShort(t + 12, (short) 1);
            b.putShort(t + 14, (short) 1);
            b.putInt(t + 36, 16);
            b.putLong(t + 48, size);
            b.put(t + 56, (byte) '1');
            b.put(t + 57, (byte) 's');
            b.putInt(60, 1);
            b.putLong(64, snapshotTable);
        }
        for (long[] p : patches) {
            int off = (int) p[0];
            switch ((int) p[1]) {
                case 1 -> b.put(off, (byte) p[2]);
                case 2 -> b.putShort(off, (short) p[2]);
                case 4 -> b.putInt(off, (int) p[2]);
                case 8 -> b.putLong(off, p[2]);
                default -> throw new IllegalArgumentException("width " + p[1]);
            }
        }
        byte[] out = b.array();
        return truncateTo >= 0 ? Arrays.copyOf(out, truncateTo) : out;
    }

    /** Offset of the data cluster of a guest cluster in the built image (data clusters follow the L2 tables). */
    static long dataOffset(byte[] image, long guestCluster) {
        ByteBuffer b = ByteBuffer.wrap(image);
        int bits = b.getInt(20);
        long cs = 1L << bits;
        long l1 = b.getLong(40);
        long perTable = cs / 8;
        long l2 = b.getLong((int) (l1 + 8 * (guestCluster / perTable))) & L1Entry.OFFSET_MASK;
        return b.getLong((int) (l2 + 8 * (guestCluster % perTable))) & L2Entry.OFFSET_MASK;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
