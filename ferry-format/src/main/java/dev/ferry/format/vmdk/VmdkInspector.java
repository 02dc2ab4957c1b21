package dev.ferry.format.vmdk;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Finding;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.MetadataMap;
import dev.ferry.format.io.ReadSource;
import dev.ferry.format.io.TableReader;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * VMDK validation. Only single-file images are accepted: a hosted sparse extent ({@code KDMV})
 * whose embedded descriptor says monolithicSparse or streamOptimized, has exactly one SPARSE
 * extent and no parent. Text descriptor files are always refused (their extents are other files).
 * The grain directory and grain tables are walked with bounded reads; grains are bounds- and
 * overlap-checked (for streams, through their grain markers). See docs/formats-qcow2-vmdk.md.
 */
public final class VmdkInspector implements FormatInspector {
    static final String DESCRIPTOR_SIGNATURE = "# Disk DescriptorFile";
    /** How much of a text file is looked at when probing for a descriptor. */
    static final int PROBE_WINDOW = 1024;
    public static final Set<String> ALLOWED_CREATE_TYPES = Set.of("monolithicSparse", "streamOptimized");
    /** Embedded descriptor area cap, in sectors (qemu: 1 MiB). */
    public static final long MAX_DESCRIPTOR_SECTORS = 2048;
    /** Grain size cap in sectors (1 MiB); VMware and qemu write 128. */
    public static final long MAX_GRAIN_SECTORS = 2048;
    /** qemu refuses grain tables with more entries. */
    public static final long MAX_GTES_PER_GT = 512;
    /** Bound on the grain tables tracked in memory (one long each). */
    public static final int MAX_GRAIN_TABLES = 4 * 1024 * 1024;

    public VmdkInspector() {
    }

    @Override
    public DiskFormat format() {
        return DiskFormat.VMDK;
    }

    @Override
    public boolean probe(ReadSource source) throws IOException {
        long size = source.size();
        if (size < 4) {
            return false;
        }
        int n = (int) Math.min(size, PROBE_WINDOW);
        byte[] head = source.readFully(0, n);
        return isSparse(head) || isCowd(head) || looksLikeDescriptor(head, n);
    }

    private static boolean isSparse(byte[] head) {
        return head.length >= 4 && head[0] == 'K' && head[1] == 'D' && head[2] == 'M' && head[3] == 'V';
    }

    /** VMDK3 / ESX "COWD" sparse extents: detected so they are not taken for raw, always refused. */
    private static boolean isCowd(byte[] head) {
        return head.length >= 4 && head[0] == 'C' && head[1] == 'O' && head[2] == 'W' && head[3] == 'D';
    }

    /** A text descriptor: starts with the signature, or is ASCII text with a createType line. */
    static boolean looksLikeDescriptor(byte[] head, int n) {
        String text = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        if (text.startsWith(DESCRIPTOR_SIGNATURE)) {
            return true;
        }
        for (int i = 0; i < n; i++) {
            int c = head[i] & 0xff;
            if (c == 0 || c > 0x7e || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
                return false;
            }
        }
        return text.contains("createType=");
    }

    /** What is known so far, for the rejection report. */
    private static final class Known {
        String subformat;
        long virtualSize = -1;
    }

    @Override
    public Inspection inspect(ReadSource source, Limits limits) throws IOException {
        long fileSize = source.size();
        if (fileSize == 0) {
            return Inspection.reject(DiskFormat.VMDK, null, -1, 0, finding(Reason.EMPTY_FILE, "empty file"));
        }
        Known known = new Known();
        try {
            VmdkImage image = validate(source, limits, known);
            return Inspection.accept(DiskFormat.VMDK, image.createType(), image.virtualSize(), image.virtualSize(), fileSize);
        } catch (VmdkException e) {
            return Inspection.reject(DiskFormat.VMDK, known.subformat, known.virtualSize, fileSize, e.finding());
        } catch (EOFException e) {
            return Inspection.reject(DiskFormat.VMDK, known.subformat, known.virtualSize, fileSize,
                    finding(Reason.TRUNCATED, "unexpected end of file: " + e.getMessage()));
        }
    }

    /**
     * Runs every check of {@link #inspect} and returns the validated image, for a reader that must
     * not trust the file either (the converter); throws the first failing check.
     */
    public VmdkImage validate(ReadSource source, Limits limits) throws IOException, VmdkException {
        return validate(source, limits, new Known());
    }

    private VmdkImage validate(ReadSource source, Limits limits, Known known) throws IOException, VmdkException {
        long fileSize = source.size();
        if (fileSize == 0) {
            throw new VmdkException(Reason.EMPTY_FILE, "empty file");
        }
        byte[] head = source.readFully(0, (int) Math.min(fileSize, PROBE_WINDOW));
        if (isSparse(head)) {
            return inspectSparse(source, fileSize, limits, known);
        }
        if (isCowd(head)) {
            throw new VmdkException(Reason.UNSUPPORTED_SUBFORMAT, "VMDK3/ESX COWD sparse extent");
        }
        if (looksLikeDescriptor(head, head.length)) {
            inspectDescriptorFile(source, fileSize, known);
        }
        throw new VmdkException(Reason.BAD_HEADER, "neither a KDMV sparse extent nor a descriptor");
    }

    private static Finding finding(String code, String message) {
        return new Finding(code, code + ": " + message);
    }

    /** A descriptor on its own: its extents are other files, so it is never accepted. Always throws. */
    private static void inspectDescriptorFile(ReadSource source, long fileSize, Known known)
            throws IOException, VmdkException {
        if (fileSize > Descriptor.MAX_TEXT) {
            throw new VmdkException(Reason.BAD_HEADER, "descriptor file of " + fileSize + " bytes exceeds " + Descriptor.MAX_TEXT);
        }
        byte[] text = source.readFully(0, (int) fileSize);
        Descriptor d = Descriptor.parse(text, textLength(text, text.length));
        known.subformat = d.createType();
        known.virtualSize = d.extentBytes();
        checkDescriptor(d, -1);
        if (d.extents().isEmpty()) {
            throw new VmdkException(Reason.BAD_HEADER, "descriptor without extents");
        }
        ExtentDescriptor e = d.extents().get(0);
        throw new VmdkException(Reason.NAMED_EXTENT, "descriptor file whose " + e.type() + " extent is another file \""
                + Descriptor.abbreviate(String.valueOf(e.fileName())) + "\"");
    }

    private static int textLength(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return n;
    }

    /**
     * Rules shared by embedded and stand-alone descriptors, in order: extents naming paths, parents,
     * createType; for an embedded descriptor ({@code capacity >= 0}) also the extent's shape.
     */
    private static void checkDescriptor(Descriptor d, long capacity) throws VmdkException {
        for (ExtentDescriptor e : d.extents()) {
            if (e.namesPath()) {
                throw new VmdkException(Reason.NAMED_EXTENT, e.type() + " extent names the path \""
                        + Descriptor.abbreviate(e.fileName()) + "\"");
            }
        }
        if (d.parentFileNameHint() != null) {
            throw new VmdkException(Reason.BACKING_FILE, "parentFileNameHint \""
                    + Descriptor.abbreviate(d.parentFileNameHint()) + "\"");
        }
        if (d.parentCid() != null && !d.parentCid().equalsIgnoreCase(Descriptor.NO_PARENT)) {
            throw new VmdkException(Reason.BACKING_FILE, "parentCID " + Descriptor.abbreviate(d.parentCid()) + " (a delta disk)");
        }
        String type = d.createType();
        if (type == null) {
            throw new VmdkException(Reason.BAD_HEADER, "descriptor without createType");
        }
        if (!ALLOWED_CREATE_TYPES.contains(type)) {
            throw new VmdkException(Reason.UNSUPPORTED_SUBFORMAT, "createType \"" + Descriptor.abbreviate(type)
                    + "\" (only monolithicSparse and streamOptimized)");
        }
        if (capacity < 0) {
            return;
        }
        for (ExtentDescriptor e : d.extents()) {
            if (!e.sparse() && !e.type().equals("ZERO")) {
                throw new VmdkException(Reason.NAMED_EXTENT, e.type() + " extent \""
                        + Descriptor.abbreviate(String.valueOf(e.fileName())) + "\" in a " + type + " image");
            }
        }
        if (d.extents().size() != 1 || !d.extents().get(0).sparse()) {
            throw new VmdkException(Reason.BAD_HEADER, "embedded descriptor must have exactly one SPARSE extent, has "
                    + d.extents().size() + " extents");
        }
        ExtentDescriptor e = d.extents().get(0);
        if (e.sectors() != capacity) {
            throw new VmdkException(Reason.BAD_HEADER, "extent of " + e.sectors() + " sectors but capacity " + capacity);
        }
    }

    private VmdkImage inspectSparse(ReadSource source, long fileSize, Limits limits, Known known)
            throws IOException, VmdkException {
        if (fileSize < SparseExtentHeader.SIZE) {
            throw new VmdkException(Reason.TRUNCATED, "file of " + fileSize + " bytes ends inside the sparse extent header");
        }
        SparseExtentHeader h = SparseExtentHeader.parse(source.readFully(0, SparseExtentHeader.SIZE));
        if (h.capacity() >= 0 && h.capacity() <= Long.MAX_VALUE / 512) {
            known.virtualSize = h.capacity() * 512;
        }
        checkHeader(h, fileSize);
        Descriptor d = readEmbeddedDescriptor(source, h);
        known.subformat = d.createType();
        checkDescriptor(d, h.capacity());
        boolean stream = d.createType().equals("streamOptimized");
        if (stream != h.hasMarkers() || stream != h.compressed()) {
            throw new VmdkException(Reason.BAD_HEADER, "createType " + d.createType() + String.format(
                    " but header flags 0x%x (compressed grains and markers go with streamOptimized only)", h.flags()));
        }
        long virtualSize = h.capacity() * 512;
        if (virtualSize > limits.maxVirtualSize()) {
            throw new VmdkException(Reason.VIRTUAL_SIZE_LIMIT, "virtual size " + virtualSize
                    + " exceeds the limit of " + limits.maxVirtualSize() + " bytes");
        }
        if (fileSize > limits.maxFileSize()) {
            throw new VmdkException(Reason.FILE_SIZE_LIMIT, "file size " + fileSize
                    + " exceeds the limit of " + limits.maxFileSize() + " bytes");
        }
        if (h.overHead() > fileSize / 512) {
            throw new VmdkException(Reason.TRUNCATED, "overhead of " + h.overHead() + " sectors past the end of the file");
        }
        SparseExtentHeader tables = h;
        if (h.gdAtEnd()) {
            tables = checkFooter(source, fileSize, h);
        } else if (h.hasMarkers()) {
            requireEndOfStream(source, fileSize);
        }
        new GrainWalk(source, fileSize, h, tables).run();
        return new VmdkImage(h, tables, d, fileSize);
    }

    private static void checkHeader(SparseExtentHeader h, long fileSize) throws VmdkException {
        if (h.version() < 1 || h.version() > 3) {
            throw new VmdkException(Reason.UNSUPPORTED_VERSION, "sparse extent version " + h.version());
        }
        if ((h.flags() & SparseExtentHeader.FLAG_VALID_NEWLINE_TEST) != 0 && !h.newlineTestIntact()) {
            throw new VmdkException(Reason.BAD_HEADER, "newline test characters damaged (file transferred in text mode?)");
        }
        if (h.capacity() < 0 || h.capacity() > Long.MAX_VALUE / 512) {
            throw new VmdkException(Reason.BAD_HEADER, "capacity " + Long.toUnsignedString(h.capacity()) + " sectors");
        }
        long g = h.grainSize();
        if (g < 1 || g > MAX_GRAIN_SECTORS || (g & (g - 1)) != 0) {
            throw new VmdkException(Reason.BAD_HEADER, "grain size " + Long.toUnsignedString(g)
                    + " sectors (must be a power of two up to " + MAX_GRAIN_SECTORS + ")");
        }
        if (h.numGTEsPerGT() < 1 || h.numGTEsPerGT() > MAX_GTES_PER_GT) {
            throw new VmdkException(Reason.BAD_HEADER, "numGTEsPerGT " + h.numGTEsPerGT());
        }
        if (h.descriptorOffset() != 1) {
            throw new VmdkException(Reason.BAD_HEADER, "descriptorOffset " + Long.toUnsignedString(h.descriptorOffset())
                    + " (the embedded descriptor must start at sector 1)");
        }
        if (h.descriptorSize() < 1 || h.descriptorSize() > MAX_DESCRIPTOR_SECTORS) {
            throw new VmdkException(Reason.BAD_HEADER, "descriptorSize " + Long.toUnsignedString(h.descriptorSize())
                    + " sectors (1.." + MAX_DESCRIPTOR_SECTORS + ")");
        }
        if ((1 + h.descriptorSize()) * 512 > fileSize) {
            throw new VmdkException(Reason.TRUNCATED, "file ends inside the embedded descriptor");
        }
        if (h.compressAlgorithm() != SparseExtentHeader.COMPRESSION_NONE
                && h.compressAlgorithm() != SparseExtentHeader.COMPRESSION_DEFLATE) {
            throw new VmdkException(Reason.UNSUPPORTED_FEATURE, "compression algorithm " + h.compressAlgorithm());
        }
        if (h.compressed() != (h.compressAlgorithm() == SparseExtentHeader.COMPRESSION_DEFLATE)) {
            throw new VmdkException(Reason.BAD_HEADER, "compressed-grains flag and compressAlgorithm "
                    + h.compressAlgorithm() + " disagree");
        }
        if (h.overHead() < 1 + h.descriptorSize()) {
            throw new VmdkException(Reason.BAD_HEADER, "overHead " + Long.toUnsignedString(h.overHead())
                    + " sectors does not cover the header and descriptor");
        }
    }

    private static Descriptor readEmbeddedDescriptor(ReadSource source, SparseExtentHeader h)
            throws IOException, VmdkException {
        int n = (int) Math.min(h.descriptorSize() * 512, Descriptor.MAX_TEXT + 1L);
        byte[] b = source.readFully(512, n);
        int len = textLength(b, n);
        return Descriptor.parse(b, len);
    }

    /** GD_AT_END: footer marker, footer (a header copy with the real gdOffset), end-of-stream marker. */
    private static SparseExtentHeader checkFooter(ReadSource source, long fileSize, SparseExtentHeader h)
            throws IOException, VmdkException {
        if (fileSize % 512 != 0) {
            throw new VmdkException(Reason.BAD_FOOTER, "gdOffset is GD_AT_END but the file is not a whole number of sectors");
        }
        if (fileSize < (h.overHead() * 512) + 3 * 512) {
            throw new VmdkException(Reason.TRUNCATED, "gdOffset is GD_AT_END but the file has no room for a footer");
        }
        byte[] markerSector = source.readFully(fileSize - 1536, 512);
        Marker marker = Marker.parse(markerSector);
        if (marker.size() != 0 || marker.type() != Marker.TYPE_FOOTER || !zero(markerSector, 16, 512)) {
            throw new VmdkException(Reason.BAD_FOOTER, "footer marker has size " + marker.size() + " and type " + marker.type()
                    + " (expected 0 and 3, zero padding)");
        }
        SparseExtentHeader f = SparseExtentHeader.parse(source.readFully(fileSize - 1024, 512));
        if (!f.hasMagic()) {
            throw new VmdkException(Reason.BAD_FOOTER, "footer has no KDMV magic");
        }
        if (f.version() != h.version() || f.flags() != h.flags() || f.capacity() != h.capacity()
                || f.grainSize() != h.grainSize() || f.descriptorOffset() != h.descriptorOffset()
                || f.descriptorSize() != h.descriptorSize() || f.numGTEsPerGT() != h.numGTEsPerGT()
                || f.overHead() != h.overHead() || f.compressAlgorithm() != h.compressAlgorithm()) {
            throw new VmdkException(Reason.BAD_FOOTER, "footer differs from the header");
        }
        if (f.gdAtEnd()) {
            throw new VmdkException(Reason.BAD_FOOTER, "footer's gdOffset is GD_AT_END too");
        }
        byte[] eos = source.readFully(fileSize - 512, 512);
        if (!zero(eos, 0, 512)) {
            throw new VmdkException(Reason.BAD_FOOTER, "no end-of-stream marker after the footer");
        }
        return f;
    }

    /** A stream must end with an end-of-stream marker (qemu: zero sectors); without one it was cut. */
    private static void requireEndOfStream(ReadSource source, long fileSize) throws IOException, VmdkException {
        if (fileSize % 512 != 0) {
            throw new VmdkException(Reason.TRUNCATED, "stream is not a whole number of sectors");
        }
        Marker m = Marker.parse(source.readFully(fileSize - 512, 16));
        if (!m.isEndOfStream()) {
            throw new VmdkException(Reason.TRUNCATED, "stream does not end with an end-of-stream marker");
        }
    }

    static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Grain directory and grain tables: bounds, overlaps with metadata, and each grain (or grain marker). */
    private static final class GrainWalk {
        private final ReadSource source;
        private final long fileSize;
        private final SparseExtentHeader h;
        private final SparseExtentHeader tables;
        private final TableReader reader;
        private final MetadataMap metadata = new MetadataMap(2 * MAX_GRAIN_TABLES + 16);
        private long[] gts = new long[16];
        private int[] gtIndex = new int[16];
        private int gtCount;

        GrainWalk(ReadSource source, long fileSize, SparseExtentHeader h, SparseExtentHeader tables) {
            this.source = source;
            this.fileSize = fileSize;
            this.h = h;
            this.tables = tables;
            this.reader = new TableReader(source, java.nio.ByteOrder.LITTLE_ENDIAN);
        }

        void run() throws IOException, VmdkException {
            metadata.add(0, (1 + h.descriptorSize()) * 512, "header and descriptor");
            if (h.gdAtEnd()) {
                metadata.add(fileSize - 1536, fileSize, "footer");
            }
            long entries = h.grainDirectoryEntries();
            if (entries > Integer.MAX_VALUE) {
                throw new VmdkException(Reason.BAD_HEADER, entries + " grain directory entries");
            }
            if (entries > 0) {
                directory(tables.gdOffset(), entries, "grain directory", true);
                if ((h.flags() & SparseExtentHeader.FLAG_REDUNDANT_GRAIN_TABLE) != 0 && tables.rgdOffset() != 0) {
                    directory(tables.rgdOffset(), entries, "redundant grain directory", false);
                }
            }
            String overlap = metadata.freeze();
            if (overlap != null) {
                throw new VmdkException(Reason.METADATA_OVERLAP, overlap);
            }
            for (int i = 0; i < gtCount; i++) {
                grainTable(gtIndex[i], gts[i]);
            }
        }

        private void requireInside(long offset, long length, String what) throws VmdkException {
            if (offset > fileSize || length > fileSize - offset) {
                throw new VmdkException(Reason.TRUNCATED, what + " at " + offset + " (" + length
                        + " bytes) extends past the end of the " + fileSize + "-byte file");
            }
        }

        private void addMetadata(long start, long length, String what) throws VmdkException {
            if (!metadata.add(start, start + length, what)) {
                throw new VmdkException(Reason.BAD_HEADER, "too many grain tables");
            }
        }

        private void directory(long sector, long entries, String name, boolean primary) throws IOException, VmdkException {
            if (sector <= 0 || sector > fileSize / 512) {
                throw new VmdkException(sector <= 0 ? Reason.BAD_HEADER : Reason.TRUNCATED,
                        name + " at sector " + Long.toUnsignedString(sector) + " outside the file");
            }
            long off = sector * 512;
            long bytes = entries * 4;
            requireInside(off, bytes, name);
            addMetadata(off, bytes, name);
            long gtBytes = h.numGTEsPerGT() * 4;
            reader.seek(off, bytes);
            for (long i = 0; i < entries; i++) {
                long gt = Integer.toUnsignedLong(reader.nextInt());
                if (gt == 0) {
                    continue;
                }
                requireInside(gt * 512, gtBytes, name + " entry " + i + ": grain table");
                addMetadata(gt * 512, gtBytes, primary ? "grain table" : "redundant grain table");
                if (primary) {
                    if (gtCount >= fileSize / gtBytes) {
                        // more grain tables than fit in the file: some are shared; stop before tracking more
                        throw new VmdkException(Reason.METADATA_OVERLAP, "more grain tables than the file can hold");
                    }
                    if (gtCount == MAX_GRAIN_TABLES) {
                        throw new VmdkException(Reason.BAD_HEADER, "more than " + MAX_GRAIN_TABLES + " grain tables");
                    }
                    if (gtCount == gts.length) {
                        gts = Arrays.copyOf(gts, Math.min(gtCount * 2, MAX_GRAIN_TABLES));
                        gtIndex = Arrays.copyOf(gtIndex, gts.length);
                    }
                    gts[gtCount] = gt * 512;
                    gtIndex[gtCount] = (int) i;
                    gtCount++;
                }
            }
        }

        private void grainTable(int directoryIndex, long offset) throws IOException, VmdkException {
            long n = h.numGTEsPerGT();
            long grainBytes = h.grainBytes();
            reader.seek(offset, n * 4);
            for (long j = 0; j < n; j++) {
                long g = Integer.toUnsignedLong(reader.nextInt());
                if (g == 0 || g == 1 && h.zeroedGrainEntries()) {
                    continue;
                }
                long lba = (directoryIndex * n + j) * h.grainSize();
                String where = "grain table " + directoryIndex + " entry " + j;
                if (lba >= h.capacity()) {
                    throw new VmdkException(Reason.BAD_HEADER, where + " maps a grain beyond the capacity");
                }
                if (g < h.overHead()) {
                    throw new VmdkException(Reason.METADATA_OVERLAP, where + ": grain at sector " + g + " is inside the overhead");
                }
                long start = g * 512;
                long length;
                if (h.hasMarkers()) {
                    requireInside(start, Marker.GRAIN_HEADER_SIZE, where + ": grain marker");
                    Marker m = Marker.parse(source.readFully(start, Marker.GRAIN_HEADER_SIZE));
                    if (m.value() != lba) {
                        throw new VmdkException(Reason.BAD_HEADER, where + ": grain marker says LBA " + m.value() + ", expected " + lba);
                    }
                    if (m.size() == 0 || m.size() > 2 * grainBytes + 1024) {
                        throw new VmdkException(Reason.BAD_HEADER, where + ": compressed grain of " + m.size() + " bytes");
                    }
                    length = Marker.GRAIN_HEADER_SIZE + m.size();
                } else {
                    length = grainBytes;
                }
                requireInside(start, length, where + ": grain");
                String hit = metadata.intersects(start, start + length);
                if (hit != null) {
                    throw new VmdkException(Reason.METADATA_OVERLAP, where + ": grain at sector " + g + " overlaps the " + hit);
                }
            }
        }
    }
}
