package dev.ferry.format.qcow2;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import dev.ferry.format.Reason;
import dev.ferry.format.convert.Extent;
import dev.ferry.format.convert.ExtentCursor;
import dev.ferry.format.convert.FormatException;
import dev.ferry.format.convert.VirtualDisk;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The active layer of a qcow2 v2/v3 image as a virtual disk (docs/interop/qcow2.txt, "Cluster
 * mapping"). Standard clusters are read in place (contiguous host clusters in one read),
 * compressed clusters are inflated (zlib: raw deflate; zstd: one frame, trimmed from qemu's padded
 * slot), zero-flagged and unallocated clusters read as zeros. Internal snapshots are ignored.
 *
 * <p>Only for images {@link Qcow2Inspector} accepted, yet every L1/L2 entry followed is checked
 * again: alignment, inside the file, and the image's features (no backing or data file, no
 * encryption, no extended L2). Memory: the L1 table (bounded by {@link #MAX_L1_BYTES}), one L2
 * table and one cluster of compressed input and output.
 */
public final class Qcow2Reader implements VirtualDisk {
    /** Largest L1 table read into memory (qemu caps it at 32 MiB too). */
    public static final long MAX_L1_BYTES = 32L * 1024 * 1024;

    private final ReadSource source;
    private final Header header;
    private final long fileSize;
    private final long clusterSize;
    private final long[] l1;
    /** Entries per L2 table. */
    private final int l2Entries;
    private byte[] compressedIn;
    private byte[] cluster;
    private long clusterEntry = -1;
    private Inflater inflater;

    private Qcow2Reader(ReadSource source, Header header, long fileSize, long[] l1) {
        this.source = source;
        this.header = header;
        this.fileSize = fileSize;
        this.clusterSize = header.clusterSize();
        this.l1 = l1;
        this.l2Entries = (int) header.l2Entries();
        this.readsL2 = new L2Cache();
    }

    public static Qcow2Reader open(ReadSource source) throws IOException {
        Objects.requireNonNull(source, "source");
        Header h;
        try {
            h = Header.read(source);
        } catch (Qcow2Exception e) {
            throw new FormatException(e.code(), e.getMessage());
        }
        long fileSize = source.size();
        FormatException.check(!h.hasBackingFile(), Reason.BACKING_FILE, "the image has a backing file");
        FormatException.check(h.cryptMethod() == 0, Reason.ENCRYPTED, "the image is encrypted");
        FormatException.check(!IncompatibleFeature.EXTERNAL_DATA_FILE.isSet(h.incompatibleFeatures()),
                Reason.DATA_FILE, "the image keeps its data in another file");
        FormatException.check(!h.extendedL2(), Reason.UNSUPPORTED_FEATURE, "extended L2 entries");
        long need = h.requiredL1Entries();
        if (!(h.l1Size() >= need)) {
            throw new FormatException(Reason.BAD_HEADER,
                    "l1_size " + h.l1Size() + " maps less than the virtual size (needs " + need + ")");
        }
        if (!(need * 8 <= MAX_L1_BYTES)) {
            throw new FormatException(Reason.BAD_HEADER, "L1 table of " + need + " entries is too large");
        }
        if (!(h.l1TableOffset() % h.clusterSize() == 0 && h.l1TableOffset() <= fileSize - need * 8)) {
            throw new FormatException(Reason.BAD_HEADER,
                    "L1 table at " + h.l1TableOffset() + " is unaligned or past the end of the file");
        }
        long[] l1 = new long[(int) need];
        byte[] b = new byte[(int) Math.min(need * 8, 1 << 20)];
        for (int done = 0; done < need; ) {
            int n = (int) Math.min(b.length / 8, need - done);
            source.readFully(h.l1TableOffset() + done * 8L, b, 0, n * 8);
            ByteBuffer.wrap(b, 0, n * 8).asLongBuffer().get(l1, done, n);
            done += n;
        }
        return new Qcow2Reader(source, h, fileSize, l1);
    }

    public Header header() {
        return header;
    }

    @Override
    public long size() {
        return header.size();
    }

    private long clusterCount() {
        return (header.size() + clusterSize - 1) / clusterSize;
    }

    /** The L2 entry of guest cluster {@code c}, 0 when its L1 entry is empty (reads' own L2 cache). */
    private long entry(long c) throws IOException {
        return readsL2.entry(c);
    }

    /**
     * One cached L2 table. The extent cursor and the reads keep one each: the cursor runs ahead to
     * the end of an extent while reads are still in the table before it.
     */
    private final class L2Cache {
        private final long[] table = new long[l2Entries];
        private long index = -1;

        long entry(long c) throws IOException {
            long l1i = c / table.length;
            L1Entry e1 = new L1Entry(l1[(int) l1i]);
            if (e1.unallocated()) {
                return 0;
            }
            if (l1i != index) {
                long off = e1.l2TableOffset();
                if (!(off % clusterSize == 0 && off >= clusterSize && off + clusterSize <= fileSize)) {
                    throw new FormatException(Reason.BAD_HEADER,
                            "L1[" + l1i + "] points at " + off + ", outside the file or unaligned");
                }
                index = -1;
                byte[] t = source.readFully(off, (int) clusterSize);
                ByteBuffer.wrap(t).asLongBuffer().get(table);
                index = l1i;
            }
            return table[(int) (c % table.length)];
        }
    }

    private final L2Cache readsL2;

    @Override
    public ExtentCursor extents() {
        long clusters = clusterCount();
        long size = header.size();
        L2Cache cache = new L2Cache();
        return new ExtentCursor() {
            private long c;

            @Override
            public Extent next() throws IOException {
                Extent.Kind kind = null;
                long start = 0;
                while (c < clusters) {
                    long perTable = l2Entries;
                    if (kind == null && new L1Entry(l1[(int) (c / perTable)]).unallocated()) {
                        c = (c / perTable + 1) * perTable;
                        continue;
                    }
                    Extent.Kind k = kindOf(cache.entry(c));
                    if (kind == null) {
                        if (k != null) {
                            kind = k;
                            start = c;
                        }
                        c++;
                    } else if (k == kind) {
                        c++;
                    } else {
                        break;
                    }
                }
                if (kind == null) {
                    return null;
                }
                long end = Math.min(size, c * clusterSize);
                return new Extent(start * clusterSize, end - start * clusterSize, kind);
            }
        };
    }

    private Extent.Kind kindOf(long raw) {
        L2Entry e = new L2Entry(raw, header.clusterBits());
        if (e.compressed()) {
            return Extent.Kind.DATA;
        }
        if (e.zero()) {
            return Extent.Kind.ZERO;
        }
        return e.unallocated() ? null : Extent.Kind.DATA;
    }

    @Override
    public void read(long position, byte[] buf, int off, int len) throws IOException {
        if (off < 0 || len < 0 || off + len > buf.length) {
            throw new IllegalArgumentException("bad buffer range");
        }
        read(position, ByteBuffer.wrap(buf, off, len));
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        int len = dst.remaining();
        if (position < 0 || position + len > header.size()) {
            throw new IllegalArgumentException("read of " + len + " at " + position + " outside a disk of " + header.size());
        }
        int base = dst.position();
        long pendingHost = -1;
        int pendingOff = 0;
        int pendingLen = 0;
        int done = 0;
        while (done < len) {
            long pos = position + done;
            long c = pos / clusterSize;
            int in = (int) (pos % clusterSize);
            int n = (int) Math.min(clusterSize - in, len - done);
            L2Entry e = new L2Entry(entry(c), header.clusterBits());
            long host = -1;
            if (e.compressed()) {
                inflate(e);
                dst.put(base + done, cluster, in, n);
            } else if (e.zero() || e.unallocated()) {
                zero(dst, base + done, n);
            } else {
                long h = e.hostClusterOffset();
                if (!(h % clusterSize == 0 && h >= clusterSize && h < fileSize)) {
                    throw new FormatException(Reason.BAD_HEADER,
                            "L2 entry of guest cluster " + c + " points at " + h + ", outside the file or unaligned");
                }
                host = h + in;
            }
            if (pendingLen > 0 && (host < 0 || host != pendingHost + pendingLen)) {
                readHost(pendingHost, dst, pendingOff, pendingLen);
                pendingLen = 0;
            }
            if (host >= 0) {
                if (pendingLen == 0) {
                    pendingHost = host;
                    pendingOff = base + done;
                }
                pendingLen += n;
            }
            done += n;
        }
        if (pendingLen > 0) {
            readHost(pendingHost, dst, pendingOff, pendingLen);
        }
        dst.position(base + len);
    }

    private static final byte[] ZEROS = new byte[64 * 1024];

    private static void zero(ByteBuffer dst, int at, int n) {
        for (int done = 0; done < n; ) {
            int k = Math.min(ZEROS.length, n - done);
            dst.put(at + done, ZEROS, 0, k);
            done += k;
        }
    }

    /** Reads host bytes into {@code dst[at..at+len)}; a cluster that the file ends inside reads as zeros past the end. */
    private void readHost(long host, ByteBuffer dst, int at, int len) throws IOException {
        int inFile = (int) Math.max(0, Math.min(len, fileSize - host));
        source.readFully(host, dst.slice(at, inFile));
        if (inFile < len) {
            zero(dst, at + inFile, len - inFile);
        }
    }

    /** Decompresses the cluster of {@code e} into {@link #cluster} (cached for the last entry). */
    private void inflate(L2Entry e) throws IOException {
        if (clusterEntry == e.raw() && cluster != null) {
            return;
        }
        clusterEntry = -1;
        int cs = (int) clusterSize;
        if (cluster == null) {
            cluster = new byte[cs];
            // The descriptor's sector count is at most 2^(cluster_bits - 8) - 1: under 2 clusters.
            compressedIn = new byte[2 * cs + 512];
        }
        long host = e.compressedHostOffset();
        long want = e.compressedLength();
        if (!(host >= clusterSize && host < fileSize && want > 0 && want <= compressedIn.length)) {
            throw new FormatException(Reason.BAD_HEADER,
                    "compressed cluster at " + host + " (" + want + " bytes) outside the file");
        }
        int n = (int) Math.min(want, fileSize - host);
        source.readFully(host, compressedIn, 0, n);
        if (header.compressionType() == CompressionType.ZSTD) {
            inflateZstd(host, n, cs);
        } else {
            if (inflater == null) {
                inflater = new Inflater(true);
            }
            inflater.reset();
            inflater.setInput(compressedIn, 0, n);
            int got = 0;
            try {
                while (got < cs) {
                    int r = inflater.inflate(cluster, got, cs - got);
                    if (r == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                        break;
                    }
                    got += r;
                }
            } catch (DataFormatException ex) {
                throw new FormatException(Reason.BAD_HEADER, "compressed cluster at " + host + ": " + ex.getMessage());
            }
            if (!(got == cs)) {
                throw new FormatException(Reason.BAD_HEADER,
                        "compressed cluster at " + host + " inflates to " + got + " bytes, not " + cs);
            }
        }
        clusterEntry = e.raw();
    }

    /**
     * Decompresses the zstd frame at the start of {@code compressedIn[0..n)} into one cluster.
     * zstd-jni reports bad input by throwing {@link ZstdException} (a runtime exception) as well as
     * by error codes; both become a {@link FormatException}.
     */
    private void inflateZstd(long host, int n, int cs) throws FormatException {
        long frame;
        long out;
        try {
            frame = Zstd.findFrameCompressedSize(compressedIn, 0, n);
            if (!(!Zstd.isError(frame) && frame > 0 && frame <= n)) {
                throw new FormatException(Reason.BAD_HEADER,
                        "compressed cluster at " + host + " holds no complete zstd frame");
            }
            out = Zstd.decompressByteArray(cluster, 0, cs, compressedIn, 0, (int) frame);
        } catch (ZstdException e) {
            throw new FormatException(Reason.BAD_HEADER, "zstd cluster at " + host + ": " + e.getMessage());
        }
        if (!(!Zstd.isError(out) && out == cs)) {
            throw new FormatException(Reason.BAD_HEADER,
                    "zstd cluster at " + host + " does not decompress to one cluster");
        }
    }

    @Override
    public void close() {
        if (inflater != null) {
            inflater.end();
        }
    }
}
