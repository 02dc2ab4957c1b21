package dev.ferry.format.qcow2;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.MetadataMap;
import dev.ferry.format.io.ReadSource;
import dev.ferry.format.io.TableReader;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * qcow2 validation: the header and its extensions, then a metadata-only walk of the refcount
 * table, the active L1 table and every L2 table it references. The first failing check decides
 * the {@link Reason} code; see docs/formats-qcow2-vmdk.md for the list and the policy.
 *
 * <p>Cost: reads bounded by the metadata actually present in the file (an L2 table is read only if
 * it lies inside the file, and each one only once), through a fixed 64 KiB buffer; memory is one
 * {@code long} per table found, capped by qemu's own table limits.
 */
public final class Qcow2Inspector implements FormatInspector {
    /** qemu's QCOW_MAX_L1_SIZE: 32 MiB of L1 entries. */
    public static final long MAX_L1_ENTRIES = 32L * 1024 * 1024 / 8;
    /** qemu's QCOW_MAX_REFTABLE_SIZE: 8 MiB. */
    public static final long MAX_REFCOUNT_TABLE_BYTES = 8L * 1024 * 1024;
    /** qemu's QCOW_MAX_SNAPSHOTS. */
    public static final long MAX_SNAPSHOTS = 65536;
    /** qemu's QCOW_MAX_SNAPSHOTS_SIZE: the whole snapshot table. */
    public static final long MAX_SNAPSHOT_TABLE_BYTES = 64L * 1024 * 1024;
    /** qemu's QCOW_MAX_SNAPSHOT_EXTRA_DATA. */
    public static final long MAX_SNAPSHOT_EXTRA_DATA = 1024;
    /** The backing file name field is at most this long (qemu: 1023). */
    public static final int MAX_BACKING_FILE_NAME = 1023;

    private static final int FIXED_RANGES = 16;

    public Qcow2Inspector() {
    }

    @Override
    public DiskFormat format() {
        return DiskFormat.QCOW2;
    }

    @Override
    public boolean probe(ReadSource source) throws IOException {
        if (source.size() < 4) {
            return false;
        }
        return ByteBuffer.wrap(source.readFully(0, 4)).getInt() == Header.MAGIC;
    }

    @Override
    public Inspection inspect(ReadSource source, Limits limits) throws IOException {
        long fileSize = source.size();
        if (fileSize == 0) {
            return Inspection.reject(DiskFormat.QCOW2, null, -1, 0, finding(Reason.EMPTY_FILE, "empty file"));
        }
        try {
            Qcow2Image image = validate(source, limits);
            long size = image.header().size();
            return Inspection.accept(DiskFormat.QCOW2, subformat(image.header().version()), size, size, fileSize);
        } catch (Qcow2Exception e) {
            return Inspection.reject(DiskFormat.QCOW2, subformat(source), Header.peekSize(source), fileSize, e.finding());
        } catch (EOFException e) {
            // every read is bounds-checked first; this is the safety net for a source shorter than its size()
            return Inspection.reject(DiskFormat.QCOW2, subformat(source), Header.peekSize(source), fileSize,
                    finding(Reason.TRUNCATED, "unexpected end of file: " + e.getMessage()));
        }
    }

    /**
     * Runs every check of {@link #inspect} and returns the validated image, for a reader that must
     * not trust the file either (the converter); throws the first failing check.
     */
    public Qcow2Image validate(ReadSource source, Limits limits) throws IOException, Qcow2Exception {
        long fileSize = source.size();
        if (fileSize == 0) {
            throw new Qcow2Exception(Reason.EMPTY_FILE, "empty file");
        }
        Header header = Header.read(source);
        checkFeatures(source, header);
        List<HeaderExtension> extensions = HeaderExtension.readAll(source, header);
        checkExtensions(source, extensions);
        if (header.size() > limits.maxVirtualSize()) {
            throw new Qcow2Exception(Reason.VIRTUAL_SIZE_LIMIT, "virtual size " + header.size()
                    + " exceeds the limit of " + limits.maxVirtualSize() + " bytes");
        }
        if (fileSize > limits.maxFileSize()) {
            throw new Qcow2Exception(Reason.FILE_SIZE_LIMIT, "file size " + fileSize
                    + " exceeds the limit of " + limits.maxFileSize() + " bytes");
        }
        new Walk(source, fileSize, header, extensions).run();
        return new Qcow2Image(header, extensions, fileSize);
    }

    private static String subformat(int version) {
        return "v" + version;
    }

    /** "v2"/"v3" when the version field says so, for rejections. */
    private static String subformat(ReadSource source) throws IOException {
        if (source.size() < 8) {
            return null;
        }
        int v = ByteBuffer.wrap(source.readFully(4, 4)).getInt();
        return v == 2 || v == 3 ? subformat(v) : null;
    }

    private static dev.ferry.format.Finding finding(String code, String message) {
        return new dev.ferry.format.Finding(code, code + ": " + message);
    }

    /** References out of the image first (they are the attacks), then what a reader cannot honour. */
    private static void checkFeatures(ReadSource source, Header h) throws IOException, Qcow2Exception {
        if (h.hasBackingFile()) {
            throw new Qcow2Exception(Reason.BACKING_FILE, "backing file " + backingFileName(source, h));
        }
        long incompatible = h.incompatibleFeatures();
        if (IncompatibleFeature.EXTERNAL_DATA_FILE.isSet(incompatible)) {
            throw new Qcow2Exception(Reason.DATA_FILE, "external data file (incompatible feature bit 2)");
        }
        if (AutoclearFeature.RAW_EXTERNAL_DATA.isSet(h.autoclearFeatures())) {
            throw new Qcow2Exception(Reason.DATA_FILE, "raw external data file (autoclear bit 1)");
        }
        if (h.cryptMethod() != 0) {
            throw new Qcow2Exception(Reason.ENCRYPTED, "crypt_method " + h.cryptMethod()
                    + (h.cryptMethod() == 1 ? " (AES-CBC)" : h.cryptMethod() == 2 ? " (LUKS)" : ""));
        }
        long unknown = incompatible & ~IncompatibleFeature.KNOWN_MASK;
        if (unknown != 0) {
            throw new Qcow2Exception(Reason.UNKNOWN_INCOMPATIBLE_FEATURE,
                    String.format("unknown incompatible feature bits 0x%x", unknown));
        }
        if (IncompatibleFeature.CORRUPT.isSet(incompatible)) {
            throw new Qcow2Exception(Reason.CORRUPT_FLAG, "the image is marked corrupt (incompatible bit 1)");
        }
        if (IncompatibleFeature.EXTENDED_L2.isSet(incompatible)) {
            throw new Qcow2Exception(Reason.UNSUPPORTED_FEATURE, "extended L2 entries (incompatible bit 4)");
        }
    }

    private static String backingFileName(ReadSource source, Header h) throws IOException {
        long off = h.backingFileOffset();
        long len = Math.min(h.backingFileSize(), MAX_BACKING_FILE_NAME);
        if (len == 0 || off > source.size() - len) {
            return "at offset " + off;
        }
        return "\"" + printable(source.readFully(off, (int) len)) + "\"";
    }

    static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return sb.toString();
    }

    private static void checkExtensions(ReadSource source, List<HeaderExtension> extensions)
            throws IOException, Qcow2Exception {
        if (HeaderExtension.find(extensions, HeaderExtension.BACKING_FORMAT) != null) {
            throw new Qcow2Exception(Reason.BACKING_FILE, "backing file format extension present");
        }
        HeaderExtension data = HeaderExtension.find(extensions, HeaderExtension.EXTERNAL_DATA_FILE);
        if (data != null) {
            String name = printable(source.readFully(data.dataOffset(), (int) Math.min(data.length(), 256)));
            throw new Qcow2Exception(Reason.DATA_FILE, "external data file \"" + name + "\"");
        }
        if (HeaderExtension.find(extensions, HeaderExtension.FULL_DISK_ENCRYPTION) != null) {
            throw new Qcow2Exception(Reason.ENCRYPTED, "full disk encryption header extension present");
        }
    }

    /** The structural checks, in file order of the tables they concern. */
    private static final class Walk {
        private final ReadSource source;
        private final long fileSize;
        private final Header h;
        private final List<HeaderExtension> extensions;
        private final long cs;
        private final TableReader reader;
        private final MetadataMap metadata;
        private long[] l2Tables = new long[16];
        private int l2Count;

        Walk(ReadSource source, long fileSize, Header h, List<HeaderExtension> extensions) {
            this.source = source;
            this.fileSize = fileSize;
            this.h = h;
            this.extensions = extensions;
            this.cs = h.clusterSize();
            this.reader = new TableReader(source, java.nio.ByteOrder.BIG_ENDIAN);
            long maxRanges = FIXED_RANGES + MAX_L1_ENTRIES + MAX_REFCOUNT_TABLE_BYTES / 8 + MAX_SNAPSHOTS;
            this.metadata = new MetadataMap((int) maxRanges);
        }

        void run() throws IOException, Qcow2Exception {
            metadata.add(0, Math.min(cs, fileSize), "header cluster");
            checkL1Geometry();
            checkRefcountTable();
            checkSnapshots();
            checkBitmaps();
            readL1();
            String overlap = metadata.freeze();
            if (overlap != null) {
                throw new Qcow2Exception(Reason.METADATA_OVERLAP, overlap);
            }
            Arrays.sort(l2Tables, 0, l2Count);
            for (int i = 1; i < l2Count; i++) {
                if (l2Tables[i] == l2Tables[i - 1]) {
                    throw new Qcow2Exception(Reason.METADATA_OVERLAP, "two L1 entries share the L2 table at " + l2Tables[i]);
                }
            }
            for (int i = 0; i < l2Count; i++) {
                readL2(l2Tables[i]);
            }
        }

        private void requireAligned(long offset, String what) throws Qcow2Exception {
            if ((offset & (cs - 1)) != 0) {
                throw new Qcow2Exception(Reason.BAD_HEADER, what + " offset " + offset + " is not cluster aligned");
            }
        }

        private void requireInside(long offset, long length, String what) throws Qcow2Exception {
            if (offset > fileSize || length > fileSize - offset) {
                throw new Qcow2Exception(Reason.TRUNCATED, what + " at " + offset + " (" + length
                        + " bytes) extends past the end of the " + fileSize + "-byte file");
            }
        }

        private void addMetadata(long offset, long length, String what) throws Qcow2Exception {
            if (!metadata.add(offset, offset + length, what)) {
                throw new Qcow2Exception(Reason.BAD_HEADER, "too many metadata tables");
            }
        }

        private void checkL1Geometry() throws Qcow2Exception {
            long required = h.requiredL1Entries();
            long l1Size = h.l1Size();
            if (l1Size < required) {
                throw new Qcow2Exception(Reason.BAD_HEADER, "l1_size " + l1Size + " cannot map the virtual size "
                        + h.size() + " (needs " + required + ")");
            }
            if (l1Size > MAX_L1_ENTRIES) {
                throw new Qcow2Exception(Reason.BAD_HEADER, "l1_size " + l1Size + " exceeds qemu's limit of "
                        + MAX_L1_ENTRIES + " (the size needs " + required + ")");
            }
            if (l1Size == 0) {
                return;
            }
            requireAligned(h.l1TableOffset(), "L1 table");
            long bytes = l1Size * 8;
            if (h.l1TableOffset() > fileSize || bytes > fileSize - h.l1TableOffset()) {
                if (l1Size > required) {
                    throw new Qcow2Exception(Reason.BAD_HEADER, "l1_size " + l1Size + " is far beyond the "
                            + required + " entries the virtual size needs and the table runs past the end of the file");
                }
                requireInside(h.l1TableOffset(), bytes, "L1 table");
            }
            addMetadata(h.l1TableOffset(), bytes, "L1 table");
        }

        private void checkRefcountTable() throws IOException, Qcow2Exception {
            long clusters = h.refcountTableClusters();
            if (clusters == 0) {
                throw new Qcow2Exception(Reason.BAD_HEADER, "no refcount table (refcount_table_clusters 0)");
            }
            if (clusters > MAX_REFCOUNT_TABLE_BYTES >> h.clusterBits()) {
                throw new Qcow2Exception(Reason.BAD_HEADER, "refcount_table_clusters " + clusters + " exceeds qemu's 8 MiB limit");
            }
            long off = h.refcountTableOffset();
            requireAligned(off, "refcount table");
            long bytes = clusters * cs;
            requireInside(off, bytes, "refcount table");
            addMetadata(off, bytes, "refcount table");
            reader.seek(off, bytes);
            long refcountBlocks = 0;
            for (long i = 0; i < bytes / 8; i++) {
                long e = reader.nextLong();
                if (e == 0) {
                    continue;
                }
                if ((e & (cs - 1)) != 0 || e < 0) {
                    throw new Qcow2Exception(Reason.BAD_HEADER, String.format(
                            "refcount table entry %d (0x%016x) is not a cluster-aligned offset", i, e));
                }
                requireInside(e, cs, "refcount block " + i);
                if (++refcountBlocks > fileSize / cs) {
                    throw new Qcow2Exception(Reason.METADATA_OVERLAP, "more refcount blocks than the file has clusters");
                }
                addMetadata(e, cs, "refcount block");
            }
        }

        private void checkSnapshots() throws IOException, Qcow2Exception {
            long n = h.nbSnapshots();
            if (n == 0) {
                return;
            }
            if (n > MAX_SNAPSHOTS) {
                throw new Qcow2Exception(Reason.BAD_HEADER, "nb_snapshots " + n + " exceeds " + MAX_SNAPSHOTS);
            }
            long off = h.snapshotsOffset();
            requireAligned(off, "snapshot table");
            if (off == 0) {
                throw new Qcow2Exception(Reason.METADATA_OVERLAP, "snapshot table at offset 0 (the header)");
            }
            long pos = off;
            long limit = Math.min(fileSize, off + MAX_SNAPSHOT_TABLE_BYTES);
            for (long i = 0; i < n; i++) {
                if (pos + SnapshotEntry.FIXED_SIZE > limit) {
                    throw new Qcow2Exception(pos + SnapshotEntry.FIXED_SIZE > fileSize ? Reason.TRUNCATED : Reason.BAD_HEADER,
                            "snapshot table entry " + i + " at " + pos + " runs past the end of the file or the 64 MiB table limit");
                }
                reader.seek(pos, SnapshotEntry.FIXED_SIZE);
                long l1Offset = reader.nextLong();
                long l1Size = Integer.toUnsignedLong(reader.nextInt());
                int idSize = reader.nextShort();
                int nameSize = reader.nextShort();
                reader.skip(4 + 4 + 8 + 4);
                long extra = Integer.toUnsignedLong(reader.nextInt());
                if (extra > MAX_SNAPSHOT_EXTRA_DATA) {
                    throw new Qcow2Exception(Reason.BAD_HEADER, "snapshot " + i + " has " + extra + " bytes of extra data");
                }
                if (l1Offset < 0) {
                    throw new Qcow2Exception(Reason.BAD_HEADER, "snapshot " + i + " L1 offset beyond 2^63");
                }
                SnapshotEntry entry = new SnapshotEntry(l1Offset, l1Size, idSize, nameSize, extra);
                if (pos + entry.length() > limit) {
                    throw new Qcow2Exception(pos + entry.length() > fileSize ? Reason.TRUNCATED : Reason.BAD_HEADER,
                            "snapshot table entry " + i + " runs past the end of the file or the 64 MiB table limit");
                }
                if (l1Size > MAX_L1_ENTRIES) {
                    throw new Qcow2Exception(Reason.BAD_HEADER, "snapshot " + i + " l1_size " + l1Size + " exceeds qemu's limit");
                }
                if (l1Size > 0) {
                    requireAligned(l1Offset, "snapshot " + i + " L1 table");
                    requireInside(l1Offset, l1Size * 8, "snapshot " + i + " L1 table");
                    addMetadata(l1Offset, l1Size * 8, "snapshot L1 table");
                }
                pos += entry.length();
            }
            addMetadata(off, pos - off, "snapshot table");
        }

        private void checkBitmaps() throws IOException, Qcow2Exception {
            HeaderExtension ext = HeaderExtension.find(extensions, HeaderExtension.BITMAPS);
            if (ext == null) {
                return;
            }
            if (ext.length() < 24) {
                throw new Qcow2Exception(Reason.BAD_HEADER, "bitmaps extension of " + ext.length() + " bytes (needs 24)");
            }
            ByteBuffer b = ByteBuffer.wrap(source.readFully(ext.dataOffset(), 24));
            long dirSize = b.getLong(8);
            long dirOffset = b.getLong(16);
            if (dirSize < 0 || dirOffset < 0) {
                throw new Qcow2Exception(Reason.BAD_HEADER, "bitmap directory offset or size beyond 2^63");
            }
            requireAligned(dirOffset, "bitmap directory");
            requireInside(dirOffset, dirSize, "bitmap directory");
            addMetadata(dirOffset, dirSize, "bitmap directory");
        }

        private void readL1() throws IOException, Qcow2Exception {
            long l1Size = h.l1Size();
            long required = h.requiredL1Entries();
            reader.seek(h.l1TableOffset(), l1Size * 8);
            for (long i = 0; i < l1Size; i++) {
                L1Entry e = new L1Entry(reader.nextLong());
                if (e.raw() == 0) {
                    continue;
                }
                if (e.reservedBits() != 0) {
                    throw new Qcow2Exception(Reason.BAD_HEADER, String.format("L1 entry %d (0x%016x) has reserved bits set", i, e.raw()));
                }
                if (e.unallocated()) {
                    continue;
                }
                long off = e.l2TableOffset();
                if (i >= required) {
                    throw new Qcow2Exception(Reason.BAD_HEADER, "L1 entry " + i + " maps an L2 table beyond the virtual size");
                }
                requireAligned(off, "L2 table " + i);
                requireInside(off, cs, "L2 table " + i);
                if (l2Count >= fileSize / cs) {
                    // more L2 tables than the file has clusters: some are shared; stop before tracking more
                    throw new Qcow2Exception(Reason.METADATA_OVERLAP, "more L2 tables than the file has clusters");
                }
                addMetadata(off, cs, "L2 table");
                if (l2Count == l2Tables.length) {
                    l2Tables = Arrays.copyOf(l2Tables, (int) Math.min(l2Count * 2L, MAX_L1_ENTRIES));
                }
                l2Tables[l2Count++] = off;
            }
        }

        private static long roundUpToSector(long n) {
            return n > Long.MAX_VALUE - 511 ? Long.MAX_VALUE : (n + 511) & ~511L;
        }

        private void readL2(long tableOffset) throws IOException, Qcow2Exception {
            long entries = h.l2Entries();
            reader.seek(tableOffset, entries * 8);
            for (long i = 0; i < entries; i++) {
                long raw = reader.nextLong();
                if (raw == 0) {
                    continue;
                }
                L2Entry e = new L2Entry(raw, h.clusterBits());
                String where = "L2 table at " + tableOffset + " entry " + i;
                if (e.compressed()) {
                    long off = e.compressedHostOffset();
                    if (off >= fileSize) {
                        throw new Qcow2Exception(Reason.TRUNCATED, where + ": compressed cluster at " + off + " is past the end of the file");
                    }
                    // qemu counts the sectors up to the one holding the last compressed byte, so the
                    // range may end past EOF, but never past the file's last (partial) sector
                    long end = off + e.compressedLength();
                    if (end > roundUpToSector(fileSize)) {
                        throw new Qcow2Exception(Reason.TRUNCATED, where + ": compressed cluster at " + off + " ("
                                + e.compressedLength() + " bytes) runs past the end of the file");
                    }
                    end = Math.min(fileSize, end);
                    String hit = metadata.intersects(off, end);
                    if (hit != null) {
                        throw new Qcow2Exception(Reason.METADATA_OVERLAP, where + ": compressed cluster at " + off + " overlaps the " + hit);
                    }
                    continue;
                }
                if (e.standardReservedBits() != 0) {
                    throw new Qcow2Exception(Reason.BAD_HEADER, String.format("%s (0x%016x) has reserved bits set", where, raw));
                }
                if (h.version() == 2 && e.zero()) {
                    throw new Qcow2Exception(Reason.BAD_HEADER, where + " has the zero flag, which version 2 does not define");
                }
                long off = e.hostClusterOffset();
                if (off == 0) {
                    continue;
                }
                if ((off & (cs - 1)) != 0) {
                    throw new Qcow2Exception(Reason.BAD_HEADER, where + ": data cluster offset " + off + " is not cluster aligned");
                }
                if (off > fileSize - cs) {
                    throw new Qcow2Exception(Reason.TRUNCATED, where + ": data cluster at " + off + " is past the end of the file");
                }
                String hit = metadata.intersects(off, off + cs);
                if (hit != null) {
                    throw new Qcow2Exception(Reason.METADATA_OVERLAP, where + ": data cluster at " + off + " overlaps the " + hit);
                }
            }
        }
    }
}
