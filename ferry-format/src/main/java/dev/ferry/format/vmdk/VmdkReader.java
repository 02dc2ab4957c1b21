package dev.ferry.format.vmdk;

import dev.ferry.format.Reason;
import dev.ferry.format.convert.Extent;
import dev.ferry.format.convert.ExtentCursor;
import dev.ferry.format.convert.FormatException;
import dev.ferry.format.convert.VirtualDisk;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A monolithicSparse or streamOptimized VMDK (one hosted sparse extent in the file itself) as a
 * virtual disk, through its grain directory and grain tables (VMware "Virtual Disk Format 1.1").
 * The tables come from the header, or from the footer when the header says GD_AT_END. Grain table
 * entry 0 is unallocated, 1 (with the zeroed-GTE flag) reads as zeros; other entries are grain
 * sectors: plain grains are read in place, compressed grains start with a 12-byte grain marker
 * (LBA, size) followed by zlib (RFC 1950) data that must inflate to at most one grain.
 *
 * <p>Only for images {@link VmdkInspector} accepted; still every GD/GT entry and marker followed is
 * checked against the file. Memory: the grain directory, one grain table, one grain.
 */
public final class VmdkReader implements VirtualDisk {
    /** Largest grain directory held in memory (entries). */
    public static final long MAX_GD_ENTRIES = 1L << 22;

    private final ReadSource source;
    private final long fileSize;
    private final SparseExtentHeader h;
    private final long size;
    private final long grain;
    private final int[] gd;
    private final int[] gt;
    private int gtIndex = -1;
    private byte[] compressed;
    private byte[] grainBuf;
    private long grainCached = -1;
    private Inflater inflater;

    private VmdkReader(ReadSource source, long fileSize, SparseExtentHeader h, int[] gd) {
        this.source = source;
        this.fileSize = fileSize;
        this.h = h;
        this.size = h.capacity() * 512;
        this.grain = h.grainBytes();
        this.gd = gd;
        this.gt = new int[(int) h.numGTEsPerGT()];
    }

    public static VmdkReader open(ReadSource source) throws IOException {
        Objects.requireNonNull(source, "source");
        long fileSize = source.size();
        check(fileSize >= 512, "file shorter than a header");
        SparseExtentHeader h = SparseExtentHeader.parse(source.readFully(0, 512));
        check(h.hasMagic(), "no KDMV magic");
        if (h.gdAtEnd()) {
            check(fileSize >= 1536 && fileSize % 512 == 0, "GD_AT_END without room for a footer");
            h = SparseExtentHeader.parse(source.readFully(fileSize - 1024, 512));
            check(h.hasMagic() && !h.gdAtEnd(), "footer without a grain directory offset");
        }
        long g = h.grainSize();
        check(h.capacity() >= 0 && h.capacity() <= Long.MAX_VALUE / 512 / 2, "capacity " + h.capacity());
        check(g >= 1 && g <= 2048 && Long.bitCount(g) == 1, "grain size " + g + " sectors");
        check(h.numGTEsPerGT() >= 1 && h.numGTEsPerGT() <= 65536, "numGTEsPerGT " + h.numGTEsPerGT());
        long entries = h.grainDirectoryEntries();
        check(entries <= MAX_GD_ENTRIES, "grain directory of " + entries + " entries");
        long gdAt = h.gdOffset();
        check(gdAt > 0 && gdAt <= fileSize / 512 && gdAt * 512 + entries * 4 <= fileSize,
                "grain directory at sector " + gdAt + " outside the file");
        int[] gd = new int[(int) entries];
        readLe32(source, gdAt * 512, gd);
        return new VmdkReader(source, fileSize, h, gd);
    }

    private static void readLe32(ReadSource source, long at, int[] into) throws IOException {
        byte[] b = new byte[(int) Math.min((long) into.length * 4, 1 << 20)];
        for (int done = 0; done < into.length; ) {
            int n = Math.min(b.length / 4, into.length - done);
            source.readFully(at + done * 4L, b, 0, n * 4);
            ByteBuffer.wrap(b, 0, n * 4).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(into, done, n);
            done += n;
        }
    }

    private static void check(boolean ok, String message) throws FormatException {
        FormatException.check(ok, Reason.BAD_HEADER, message);
    }

    @Override
    public long size() {
        return size;
    }

    private long grainCount() {
        return (size + grain - 1) / grain;
    }

    /** The grain table entry of grain {@code i} (0 when its grain table is absent). */
    private long entry(long i) throws IOException {
        int t = (int) (i / gt.length);
        long gtSector = Integer.toUnsignedLong(gd[t]);
        if (gtSector == 0) {
            return 0;
        }
        if (t != gtIndex) {
            check(gtSector * 512 + gt.length * 4L <= fileSize, "grain table " + t + " at sector " + gtSector + " outside the file");
            gtIndex = -1;
            readLe32(source, gtSector * 512, gt);
            gtIndex = t;
        }
        return Integer.toUnsignedLong(gt[(int) (i % gt.length)]);
    }

    private Extent.Kind kindOf(long e) {
        if (e == 0) {
            return null;
        }
        return e == 1 && h.zeroedGrainEntries() ? Extent.Kind.ZERO : Extent.Kind.DATA;
    }

    @Override
    public ExtentCursor extents() {
        long grains = grainCount();
        return new ExtentCursor() {
            private long i;

            @Override
            public Extent next() throws IOException {
                Extent.Kind kind = null;
                long start = 0;
                while (i < grains) {
                    if (kind == null && gd[(int) (i / gt.length)] == 0) {
                        i = (i / gt.length + 1) * gt.length;
                        continue;
                    }
                    Extent.Kind k = kindOf(entry(i));
                    if (kind == null) {
                        if (k != null) {
                            kind = k;
                            start = i;
                        }
                        i++;
                    } else if (k == kind) {
                        i++;
                    } else {
                        break;
                    }
                }
                if (kind == null) {
                    return null;
                }
                long from = start * grain;
                return new Extent(from, Math.min(size, i * grain) - from, kind);
            }
        };
    }

    @Override
    public void read(long position, byte[] buf, int off, int len) throws IOException {
        if (position < 0 || len < 0 || position + len > size || off < 0 || off + len > buf.length) {
            throw new IllegalArgumentException("read of " + len + " at " + position + " outside a disk of " + size);
        }
        long pendingHost = -1;
        int pendingOff = 0;
        int pendingLen = 0;
        int done = 0;
        while (done < len) {
            long pos = position + done;
            long gi = pos / grain;
            int in = (int) (pos % grain);
            int n = (int) Math.min(grain - in, len - done);
            long e = entry(gi);
            long host = -1;
            if (kindOf(e) != Extent.Kind.DATA) {
                Arrays.fill(buf, off + done, off + done + n, (byte) 0);
            } else if (h.compressed()) {
                inflate(gi, e);
                System.arraycopy(grainBuf, in, buf, off + done, n);
            } else {
                check(e >= h.overHead() && e * 512 + grain <= fileSize, "grain " + gi + " at sector " + e + " outside the file");
                host = e * 512 + in;
            }
            if (pendingLen > 0 && (host < 0 || host != pendingHost + pendingLen)) {
                source.readFully(pendingHost, buf, pendingOff, pendingLen);
                pendingLen = 0;
            }
            if (host >= 0) {
                if (pendingLen == 0) {
                    pendingHost = host;
                    pendingOff = off + done;
                }
                pendingLen += n;
            }
            done += n;
        }
        if (pendingLen > 0) {
            source.readFully(pendingHost, buf, pendingOff, pendingLen);
        }
    }

    /** Inflates grain {@code gi} stored behind a grain marker at sector {@code sector}. */
    private void inflate(long gi, long sector) throws IOException {
        if (grainCached == gi) {
            return;
        }
        grainCached = -1;
        if (grainBuf == null) {
            grainBuf = new byte[(int) grain];
            compressed = new byte[(int) (2 * grain + 1024)];
            inflater = new Inflater(false);
        }
        long at = sector * 512;
        check(sector >= h.overHead() && at + Marker.GRAIN_HEADER_SIZE <= fileSize, "grain " + gi + " at sector " + sector + " outside the file");
        Marker m = Marker.parse(source.readFully(at, Marker.GRAIN_HEADER_SIZE));
        check(m.value() == gi * h.grainSize(), "grain marker at sector " + sector + " says LBA " + m.value()
                + ", the grain table " + gi * h.grainSize());
        check(m.size() > 0 && m.size() <= compressed.length && at + Marker.GRAIN_HEADER_SIZE + m.size() <= fileSize,
                "grain at sector " + sector + " has " + m.size() + " compressed bytes");
        int n = (int) m.size();
        source.readFully(at + Marker.GRAIN_HEADER_SIZE, compressed, 0, n);
        inflater.reset();
        inflater.setInput(compressed, 0, n);
        int got = 0;
        try {
            while (got < grainBuf.length && !inflater.finished()) {
                int r = inflater.inflate(grainBuf, got, grainBuf.length - got);
                if (r == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                got += r;
            }
        } catch (DataFormatException ex) {
            throw new FormatException(Reason.BAD_HEADER, "grain at sector " + sector + ": " + ex.getMessage());
        }
        long expected = Math.min(grain, size - gi * grain);
        check(got >= expected, "grain at sector " + sector + " inflates to " + got + " bytes, expected " + expected);
        Arrays.fill(grainBuf, got, grainBuf.length, (byte) 0);
        grainCached = gi;
    }

    @Override
    public void close() {
        if (inflater != null) {
            inflater.end();
        }
    }
}
