package dev.ferry.format.vmdk;

import dev.ferry.format.convert.DiskWriter;
import dev.ferry.format.convert.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.zip.Deflater;

/**
 * Writes a streamOptimized VMDK the way VMware streams one (Virtual Disk Format 1.1, "Stream-
 * Optimized Compressed Sparse Extents"), strictly in file order: header (gdOffset = GD_AT_END)
 * and embedded descriptor in the first 64 KiB, then for each non-zero 64 KiB grain a grain marker
 * and its zlib (RFC 1950) data, each grain table behind a GT marker once the writer moves past the
 * 32 MiB it maps, then the GD marker and grain directory, the footer marker and footer (a header
 * copy holding the real gdOffset) and the end-of-stream marker. All-zero grains are not stored.
 * Memory: one grain, one grain table and the grain directory.
 */
public final class StreamOptimizedWriter implements DiskWriter {
    public static final long GRAIN_SECTORS = 128;
    public static final int GTES_PER_GT = 512;
    public static final long OVERHEAD_SECTORS = 128;
    public static final int DESCRIPTOR_SECTORS = 20;
    /** Largest virtual size written: 4M grain tables of 32 MiB (the inspector's bound). */
    public static final long MAX_SIZE = (long) VmdkInspector.MAX_GRAIN_TABLES * GTES_PER_GT * GRAIN_SECTORS * 512;
    private static final long FLAGS = SparseExtentHeader.FLAG_VALID_NEWLINE_TEST | SparseExtentHeader.FLAG_COMPRESSED
            | SparseExtentHeader.FLAG_MARKERS;

    private final Sink sink;
    private final long size;
    private final long capacity;
    private final int grainBytes = (int) (GRAIN_SECTORS * 512);
    private final int[] gd;
    private final int[] gt = new int[GTES_PER_GT];
    private int gtIndex = -1;
    private boolean gtUsed;
    private final byte[] grain = new byte[grainBytes];
    private long grainIndex = -1;
    private final byte[] out = new byte[grainBytes + grainBytes / 2 + 1024];
    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, false);
    /** Next free sector of the stream. */
    private long next = OVERHEAD_SECTORS;
    private long lastWriteEnd;
    private final String cid;

    public StreamOptimizedWriter(Sink sink, long virtualSize) {
        this(sink, virtualSize, new Random().nextInt());
    }

    /** {@code cid}: the descriptor's content id (random by default). */
    public StreamOptimizedWriter(Sink sink, long virtualSize, int cid) {
        this.sink = Objects.requireNonNull(sink, "sink");
        if (virtualSize < 0 || virtualSize > MAX_SIZE) {
            throw new IllegalArgumentException("VMDK virtual size must be 0.." + MAX_SIZE + " bytes, not " + virtualSize);
        }
        this.capacity = (virtualSize + 511) / 512;
        this.size = capacity * 512;
        long perGt = GRAIN_SECTORS * GTES_PER_GT;
        this.gd = new int[(int) ((capacity + perGt - 1) / perGt)];
        this.cid = String.format(Locale.ROOT, "%08x", cid == -1 ? 0 : cid);
    }

    @Override
    public long virtualSize() {
        return size;
    }

    @Override
    public void write(long offset, byte[] buf, int off, int len) throws IOException {
        if (offset < lastWriteEnd || offset + len > size || len < 0) {
            throw new IllegalArgumentException("write of " + len + " at " + offset + " out of order or past " + size);
        }
        int done = 0;
        while (done < len) {
            long pos = offset + done;
            long g = pos / grainBytes;
            if (g != grainIndex) {
                flushGrain();
                grainIndex = g;
            }
            int in = (int) (pos % grainBytes);
            int n = Math.min(grainBytes - in, len - done);
            System.arraycopy(buf, off + done, grain, in, n);
            done += n;
        }
        lastWriteEnd = offset + len;
    }

    /** Compresses the current grain behind its marker and enters it in its grain table. */
    private void flushGrain() throws IOException {
        if (grainIndex < 0) {
            return;
        }
        int t = (int) (grainIndex / GTES_PER_GT);
        if (t != gtIndex) {
            flushGrainTable();
            gtIndex = t;
        }
        deflater.reset();
        deflater.setInput(grain, 0, grainBytes);
        deflater.finish();
        int n = 12;
        while (!deflater.finished()) {
            if (n == out.length) {
                throw new IllegalStateException("deflate output exceeds " + out.length + " bytes");
            }
            n += deflater.deflate(out, n, out.length - n);
        }
        ByteBuffer m = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        m.putLong(0, grainIndex * GRAIN_SECTORS).putInt(8, n - 12);
        int padded = (n + 511) / 512 * 512;
        Arrays.fill(out, n, padded, (byte) 0);
        sink.write(next * 512, out, 0, padded);
        gt[(int) (grainIndex % GTES_PER_GT)] = (int) next;
        gtUsed = true;
        next += padded / 512;
        Arrays.fill(grain, (byte) 0);
        grainIndex = -1;
    }

    /** Writes the current grain table behind a GT marker and enters it in the directory. */
    private void flushGrainTable() throws IOException {
        if (gtIndex >= 0 && gtUsed) {
            int sectors = GTES_PER_GT * 4 / 512;
            sink.write(next * 512, metadataMarker(sectors, Marker.TYPE_GT));
            next++;
            ByteBuffer b = ByteBuffer.allocate(GTES_PER_GT * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(gt);
            sink.write(next * 512, b);
            gd[gtIndex] = (int) next;
            next += sectors;
        }
        Arrays.fill(gt, 0);
        gtUsed = false;
        gtIndex = -1;
    }

    private static ByteBuffer metadataMarker(long sectors, long type) {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, sectors).putInt(8, 0).putInt(12, (int) type);
        return b;
    }

    @Override
    public void finish() throws IOException {
        flushGrain();
        flushGrainTable();
        int gdSectors = (int) ((gd.length * 4L + 511) / 512);
        sink.write(next * 512, metadataMarker(gdSectors, Marker.TYPE_GD));
        next++;
        long gdSector = next;
        ByteBuffer d = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < gd.length; ) {
            d.clear();
            int n = Math.min(d.capacity() / 4, gd.length - i);
            d.asIntBuffer().put(gd, i, n);
            d.limit(n * 4);
            sink.write((gdSector * 512) + i * 4L, d);
            i += n;
        }
        next += gdSectors;
        sink.write(next * 512, metadataMarker(1, Marker.TYPE_FOOTER));
        next++;
        sink.write(next * 512, header(gdSector));
        next++;
        sink.write(next * 512, ByteBuffer.allocate(512)); // end-of-stream marker
        next++;
        sink.write(0, header(SparseExtentHeader.GD_AT_END));
        byte[] desc = descriptor();
        sink.write(512, desc, 0, desc.length);
        sink.setLength(next * 512);
    }

    private ByteBuffer header(long gdOffset) {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, SparseExtentHeader.MAGIC).putInt(4, 3).putInt(8, (int) FLAGS)
                .putLong(12, capacity).putLong(20, GRAIN_SECTORS)
                .putLong(28, 1).putLong(36, DESCRIPTOR_SECTORS)
                .putInt(44, GTES_PER_GT).putLong(48, 0).putLong(56, gdOffset)
                .putLong(64, OVERHEAD_SECTORS);
        b.put(72, (byte) 0).put(73, (byte) '\n').put(74, (byte) ' ').put(75, (byte) '\r').put(76, (byte) '\n');
        b.putShort(77, (short) SparseExtentHeader.COMPRESSION_DEFLATE);
        return b;
    }

    private byte[] descriptor() {
        long cylinders = Math.min(65535, Math.max(1, capacity / (16 * 63)));
        String text = "# Disk DescriptorFile\n"
                + "version=1\n"
                + "CID=" + cid + "\n"
                + "parentCID=ffffffff\n"
                + "createType=\"streamOptimized\"\n"
                + "\n"
                + "# Extent description\n"
                + "RW " + capacity + " SPARSE \"disk.vmdk\"\n"
                + "\n"
                + "# The Disk Data Base\n"
                + "#DDB\n"
                + "\n"
                + "ddb.virtualHWVersion = \"4\"\n"
                + "ddb.geometry.cylinders = \"" + cylinders + "\"\n"
                + "ddb.geometry.heads = \"16\"\n"
                + "ddb.geometry.sectors = \"63\"\n"
                + "ddb.adapterType = \"ide\"\n"
                + "ddb.toolsVersion = \"2147483647\"\n";
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        if (b.length > DESCRIPTOR_SECTORS * 512) {
            throw new IllegalStateException("descriptor too long");
        }
        return b;
    }

    @Override
    public void close() {
        deflater.end();
    }
}
