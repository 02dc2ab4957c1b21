package dev.ferry.format.vhdx;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Finding;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * VHDX (Hyper-V virtual hard disk v2) detection and validation. Reads the file identifier, both
 * headers, the region table, the metadata table and items, and walks the BAT in 64 KiB chunks;
 * file space is tracked in 1 MiB units (one bit each) to find blocks past the end of the file,
 * overlapping each other or the image's own structures. The first problem decides; parsing goes
 * on after a bad file identifier so that the virtual size is still reported.
 */
public final class VhdxInspector implements FormatInspector {
    static final byte[] FILE_IDENTIFIER = "vhdxfile".getBytes(StandardCharsets.US_ASCII);
    static final long MIB = 1L << 20;
    /** MS-VHDX's largest virtual disk. */
    public static final long MAX_VIRTUAL_SIZE = 64L << 40;
    /** Largest file whose space map is kept (2^26 bits = 8 MiB); larger files are refused. */
    public static final long MAX_FILE_SIZE = 64L << 40;
    private static final int CHUNK = 64 * 1024;

    public VhdxInspector() {
    }

    @Override
    public DiskFormat format() {
        return DiskFormat.VHDX;
    }

    /** The file type identifier 'vhdxfile' at offset 0. */
    @Override
    public boolean probe(ReadSource source) throws IOException {
        if (source.size() < FILE_IDENTIFIER.length) {
            return false;
        }
        return Arrays.equals(source.readFully(0, FILE_IDENTIFIER.length), FILE_IDENTIFIER);
    }

    @Override
    public Inspection inspect(ReadSource source, Limits limits) throws IOException {
        return new Run(source, limits).inspect();
    }

    /** One inspection: the first finding wins, later stages only run while they can. */
    private static final class Run {
        private final ReadSource source;
        private final Limits limits;
        private long size;
        private Finding first;
        private long virtualSize = -1;
        private String subformat;

        Run(ReadSource source, Limits limits) {
            this.source = source;
            this.limits = limits;
        }

        private void fail(String code, String message) {
            if (first == null) {
                first = new Finding(code, code + ": " + message);
            }
        }

        private Inspection result() {
            if (first != null) {
                return Inspection.reject(DiskFormat.VHDX, subformat, virtualSize, size, first);
            }
            return Inspection.accept(DiskFormat.VHDX, subformat, virtualSize, virtualSize, size);
        }

        Inspection inspect() throws IOException {
            size = source.size();
            if (size < FILE_IDENTIFIER.length || !Arrays.equals(source.readFully(0, FILE_IDENTIFIER.length), FILE_IDENTIFIER)) {
                fail(Reason.BAD_HEADER, "the file type identifier at offset 0 is not 'vhdxfile'");
            }
            if (size < RegionTable.TABLE_2_OFFSET + RegionTable.SIZE) {
                fail(Reason.TRUNCATED, "the file is " + size + " bytes, too short for the VHDX headers and region tables");
                return result();
            }
            if (size > MAX_FILE_SIZE) {
                fail(Reason.UNSUPPORTED_FEATURE, "VHDX files over 64 TiB are not inspected");
                return result();
            }

            // Headers: the CRC-valid one with the higher sequence number is current.
            byte[] h = source.readFully(VhdxHeader.HEADER_1_OFFSET, 2 * (int) (VhdxHeader.HEADER_2_OFFSET - VhdxHeader.HEADER_1_OFFSET));
            int h2 = (int) (VhdxHeader.HEADER_2_OFFSET - VhdxHeader.HEADER_1_OFFSET);
            boolean v1 = VhdxHeader.isValid(h, 0);
            boolean v2 = VhdxHeader.isValid(h, h2);
            VhdxHeader header = null;
            if (v1 && v2) {
                VhdxHeader a = VhdxHeader.parse(h, 0);
                VhdxHeader b = VhdxHeader.parse(h, h2);
                header = Long.compareUnsigned(b.sequenceNumber(), a.sequenceNumber()) > 0 ? b : a;
            } else if (v1 || v2) {
                header = VhdxHeader.parse(h, v1 ? 0 : h2);
            } else {
                fail(Reason.BAD_HEADER, "neither header (64 KiB, 128 KiB) has a valid signature and CRC-32C");
            }
            if (header != null && (header.version() != 1 || header.logVersion() != 0)) {
                fail(Reason.UNSUPPORTED_VERSION, "header version " + header.version() + ", log version " + header.logVersion()
                        + " (expected 1 and 0)");
            }

            // Region table: the first valid copy.
            byte[] rt = source.readFully(RegionTable.TABLE_1_OFFSET, RegionTable.SIZE);
            if (!RegionTable.isValid(rt, 0)) {
                rt = source.readFully(RegionTable.TABLE_2_OFFSET, RegionTable.SIZE);
                if (!RegionTable.isValid(rt, 0)) {
                    fail(Reason.BAD_HEADER, "neither region table (192 KiB, 256 KiB) has a valid signature, CRC-32C and entry count");
                    return result();
                }
            }
            RegionTable regions = RegionTable.parse(rt, 0);
            RegionTableEntry bat = null;
            RegionTableEntry meta = null;
            for (RegionTableEntry r : regions.entries()) {
                if (r.guid().equals(RegionTableEntry.BAT) || r.guid().equals(RegionTableEntry.METADATA)) {
                    boolean isBat = r.guid().equals(RegionTableEntry.BAT);
                    if ((isBat ? bat : meta) != null) {
                        fail(Reason.BAD_HEADER, "the region table lists the " + (isBat ? "BAT" : "metadata") + " region twice");
                        return result();
                    }
                    if (isBat) {
                        bat = r;
                    } else {
                        meta = r;
                    }
                } else if (r.required()) {
                    fail(Reason.UNSUPPORTED_FEATURE, "unknown required region " + r.guid());
                }
                if (r.fileOffset() < MIB || r.fileOffset() % MIB != 0 || r.length() == 0 || r.length() % MIB != 0
                        || r.fileOffset() > MAX_FILE_SIZE) {
                    fail(Reason.BAD_HEADER, "region " + r.guid() + " at " + r.fileOffset() + " (" + r.length()
                            + " bytes) is not a 1 MiB-aligned range after the first MiB");
                    return result();
                }
            }
            if (bat == null || meta == null) {
                fail(Reason.BAD_HEADER, "the region table has no " + (bat == null ? "BAT" : "metadata") + " region");
                return result();
            }
            // Space map in 1 MiB units: the first MiB (identifier, headers, region tables), log, regions.
            SpaceMap space = new SpaceMap(size);
            space.mark(0, MIB);
            if (header != null && header.logLength() > 0) {
                long lo = header.logOffset();
                long ll = header.logLength();
                if (lo < MIB || lo % MIB != 0 || ll % MIB != 0 || lo > MAX_FILE_SIZE) {
                    fail(Reason.BAD_HEADER, "log at " + lo + " (" + ll + " bytes) is not a 1 MiB-aligned range after the first MiB");
                    return result();
                }
                if (lo + ll > size) {
                    fail(Reason.TRUNCATED, "the log (" + lo + ".." + (lo + ll) + ") extends past the end of the file (" + size + ")");
                }
                if (!space.mark(lo, lo + ll)) {
                    fail(Reason.METADATA_OVERLAP, "the log overlaps the headers");
                }
            }
            for (RegionTableEntry r : regions.entries()) {
                if (r.end() > size) {
                    fail(Reason.TRUNCATED, "region " + r.guid() + " (" + r.fileOffset() + ".." + r.end()
                            + ") extends past the end of the file (" + size + ")");
                }
                if (!space.mark(r.fileOffset(), r.end())) {
                    fail(Reason.METADATA_OVERLAP, "region " + r.guid() + " at " + r.fileOffset() + " overlaps the headers, the log or another region");
                }
            }

            // Metadata table and items.
            if (meta.fileOffset() + MetadataTable.SIZE > size) {
                fail(Reason.TRUNCATED, "the metadata table at " + meta.fileOffset() + " is past the end of the file");
                return result();
            }
            byte[] mt = source.readFully(meta.fileOffset(), MetadataTable.SIZE);
            if (!MetadataTable.isValid(mt, 0)) {
                fail(Reason.BAD_HEADER, "the metadata region at " + meta.fileOffset() + " has no valid 'metadata' table");
                return result();
            }
            Metadata m = readMetadata(MetadataTable.parse(mt, 0), meta);
            if (m == null) {
                return result();
            }
            virtualSize = m.virtualSize;
            subformat = m.params.hasParent() ? "differencing" : m.params.leaveBlocksAllocated() ? "fixed" : "dynamic";
            if (m.params.hasParent() || m.hasParentLocator) {
                fail(Reason.BACKING_FILE, m.params.hasParent()
                        ? "File Parameters has the HasParent flag: a differencing disk reads a parent file"
                        : "the metadata has a Parent Locator: the disk names a parent file");
            }
            if (header != null && header.logMustBeReplayed()) {
                fail(Reason.UNSUPPORTED_FEATURE, "the header's log GUID is " + header.logGuid()
                        + ": the log holds writes that must be replayed, and Ferry does not replay logs");
            }
            if (virtualSize > limits.maxVirtualSize()) {
                fail(Reason.VIRTUAL_SIZE_LIMIT, "virtual size " + virtualSize + " bytes > limit " + limits.maxVirtualSize());
            }
            if (size > limits.maxFileSize()) {
                fail(Reason.FILE_SIZE_LIMIT, "file size " + size + " bytes > limit " + limits.maxFileSize());
            }
            if (first == null) {
                checkBat(bat, m, space);
            }
            return result();
        }

        private record Metadata(FileParameters params, long virtualSize, long logicalSectorSize, boolean hasParentLocator) {
        }

        private Metadata readMetadata(MetadataTable table, RegionTableEntry region) throws IOException {
            List<MetadataTableEntry> items = new ArrayList<>();
            for (MetadataTableEntry e : table.entries()) {
                if (e.length() == 0) {
                    continue;
                }
                if (e.offset() < MetadataTable.SIZE || e.offset() + e.length() > region.length()) {
                    fail(Reason.BAD_HEADER, "metadata item " + e.itemId() + " at +" + e.offset() + " (" + e.length()
                            + " bytes) lies outside the metadata region");
                    return null;
                }
                if (!e.isKnown() && e.isRequired()) {
                    fail(Reason.UNSUPPORTED_FEATURE, "unknown required metadata item " + e.itemId());
                }
                items.add(e);
            }
            items.sort(Comparator.comparingLong(MetadataTableEntry::offset));
            for (int i = 1; i < items.size(); i++) {
                if (items.get(i).offset() < items.get(i - 1).offset() + items.get(i - 1).length()) {
                    fail(Reason.BAD_HEADER, "metadata items " + items.get(i - 1).itemId() + " and " + items.get(i).itemId() + " overlap");
                    return null;
                }
            }
            byte[] fp = item(table, region, MetadataTableEntry.FILE_PARAMETERS, FileParameters.SIZE);
            byte[] vs = item(table, region, MetadataTableEntry.VIRTUAL_DISK_SIZE, 8);
            byte[] ls = item(table, region, MetadataTableEntry.LOGICAL_SECTOR_SIZE, 4);
            byte[] ps = item(table, region, MetadataTableEntry.PHYSICAL_SECTOR_SIZE, 4);
            if (fp == null || vs == null || ls == null || ps == null) {
                return null;
            }
            ByteBuffer le = ByteBuffer.wrap(fp).order(ByteOrder.LITTLE_ENDIAN);
            int flags = le.getInt(4);
            FileParameters params = new FileParameters(le.getInt(0) & 0xFFFF_FFFFL, (flags & 1) != 0, (flags & 2) != 0);
            long virtual = ByteBuffer.wrap(vs).order(ByteOrder.LITTLE_ENDIAN).getLong();
            long logical = ByteBuffer.wrap(ls).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
            long physical = ByteBuffer.wrap(ps).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
            if (virtual >= 0 && virtual <= MAX_VIRTUAL_SIZE) {
                virtualSize = virtual;
            }
            if (!params.isBlockSizeValid()) {
                fail(Reason.BAD_HEADER, "block size " + params.blockSize() + " is not a power of two from 1 MiB to 256 MiB");
                return null;
            }
            if ((logical != 512 && logical != 4096) || (physical != 512 && physical != 4096)) {
                fail(Reason.BAD_HEADER, "sector sizes " + logical + "/" + physical + " (logical/physical) are not 512 or 4096");
                return null;
            }
            if (virtual <= 0 || virtual > MAX_VIRTUAL_SIZE || virtual % logical != 0) {
                fail(Reason.BAD_HEADER, "virtual disk size " + Long.toUnsignedString(virtual)
                        + " is not a positive multiple of the logical sector size up to 64 TiB");
                return null;
            }
            boolean parentLocator = table.find(MetadataTableEntry.PARENT_LOCATOR).isPresent();
            return new Metadata(params, virtual, logical, parentLocator);
        }

        /** A known item's bytes (exactly {@code len}), or null after recording why it is unusable. */
        private byte[] item(MetadataTable table, RegionTableEntry region, java.util.UUID id, int len) throws IOException {
            MetadataTableEntry e = table.find(id).orElse(null);
            if (e == null || e.length() < len) {
                fail(Reason.BAD_HEADER, "the metadata has no usable item " + id + " (" + len + " bytes)");
                return null;
            }
            long at = region.fileOffset() + e.offset();
            if (at + len > size) {
                fail(Reason.TRUNCATED, "metadata item " + id + " at " + at + " is past the end of the file (" + size + ")");
                return null;
            }
            return source.readFully(at, len);
        }

        private void checkBat(RegionTableEntry region, Metadata m, SpaceMap space) throws IOException {
            long block = m.params.blockSize();
            long chunkRatio = (1L << 23) * m.logicalSectorSize / block;
            long payloadBlocks = (m.virtualSize + block - 1) / block;
            long entries = payloadBlocks == 0 ? 0 : (payloadBlocks - 1) + (payloadBlocks - 1) / chunkRatio + 1;
            if (entries * 8 > region.length()) {
                fail(Reason.BAD_HEADER, "the BAT region (" + region.length() + " bytes) cannot hold " + entries + " entries");
                return;
            }
            byte[] buf = new byte[CHUNK];
            ByteBuffer le = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
            long done = 0;
            while (done < entries) {
                int n = (int) Math.min(CHUNK / 8, entries - done);
                source.readFully(region.fileOffset() + done * 8, buf, 0, n * 8);
                for (int j = 0; j < n; j++) {
                    long index = done + j;
                    BatEntry e = BatEntry.of(le.getLong(j * 8));
                    boolean bitmapEntry = (index + 1) % (chunkRatio + 1) == 0;
                    String problem = bitmapEntry ? checkBitmapEntry(index, e, space) : checkPayloadEntry(index, chunkRatio, e, m, space);
                    if (problem != null) {
                        return;
                    }
                }
                done += n;
            }
        }

        private String checkPayloadEntry(long index, long chunkRatio, BatEntry e, Metadata m, SpaceMap space) {
            if (e.readsAsZero()) {
                return null;
            }
            long blockNo = index - index / (chunkRatio + 1);
            if (e.state() == BatEntry.PAYLOAD_PARTIALLY_PRESENT) {
                fail(Reason.BAD_HEADER, "BAT entry " + index + " is PARTIALLY_PRESENT in a disk without parent");
                return "";
            }
            if (e.state() != BatEntry.PAYLOAD_FULLY_PRESENT) {
                fail(Reason.BAD_HEADER, "BAT entry " + index + " has undefined state " + e.state());
                return "";
            }
            long block = m.params.blockSize();
            // Only the part of the last block inside the virtual size is ever read.
            long used = Math.min(block, m.virtualSize - blockNo * block);
            long start = e.fileOffset();
            long end = start + (used + MIB - 1) / MIB * MIB;
            return checkRange("payload block " + blockNo + " (BAT entry " + index + ")", start, end, space);
        }

        private String checkBitmapEntry(long index, BatEntry e, SpaceMap space) {
            if (e.state() == BatEntry.SB_NOT_PRESENT) {
                return null;
            }
            if (e.state() != BatEntry.SB_PRESENT) {
                fail(Reason.BAD_HEADER, "sector bitmap BAT entry " + index + " has undefined state " + e.state());
                return "";
            }
            return checkRange("sector bitmap (BAT entry " + index + ")", e.fileOffset(), e.fileOffset() + MIB, space);
        }

        private String checkRange(String what, long start, long end, SpaceMap space) {
            if (end > size) {
                fail(Reason.TRUNCATED, what + " at " + start + ".." + end + " extends past the end of the file (" + size + ")");
                return "";
            }
            if (!space.mark(start, end)) {
                fail(Reason.METADATA_OVERLAP, what + " at " + start + " overlaps the headers, log, BAT, metadata or another block");
                return "";
            }
            return null;
        }
    }

    /** Which 1 MiB units of the file are taken; one bit per MiB, so 8 MiB of memory at most. */
    private static final class SpaceMap {
        private final BitSet used;
        private final long units;

        SpaceMap(long fileSize) {
            units = (fileSize + MIB - 1) / MIB;
            used = new BitSet((int) units);
        }

        /** Marks [start, end) (1 MiB aligned); false when any unit inside the file was already taken. */
        boolean mark(long start, long end) {
            int from = (int) Math.min(units, start / MIB);
            int to = (int) Math.min(units, (end + MIB - 1) / MIB);
            if (from >= to) {
                return true;
            }
            int taken = used.nextSetBit(from);
            if (taken >= 0 && taken < to) {
                return false;
            }
            used.set(from, to);
            return true;
        }
    }
}
