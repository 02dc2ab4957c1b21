package dev.ferry.format.vhdx;

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
import java.util.UUID;

/**
 * A fixed or dynamic VHDX as a virtual disk (MS-VHDX 2.5): region table → BAT and metadata;
 * metadata → block size, logical sector size, virtual size; payload block {@code i} is BAT entry
 * {@code i + i / chunkRatio}. FULLY_PRESENT blocks are data at their MiB offset, ZERO blocks read
 * as zeros, NOT_PRESENT / UNDEFINED / UNMAPPED are unallocated (zeros). Differencing disks and
 * logs that need replay were refused by {@link VhdxInspector}; this reader still refuses
 * PARTIALLY_PRESENT and checks every block it follows to lie inside the file. The BAT is read
 * lazily 64 KiB at a time, so memory does not grow with the disk.
 */
public final class VhdxReader implements VirtualDisk {
    private static final int BAT_CHUNK_ENTRIES = 8192;

    private final ReadSource source;
    private final long fileSize;
    private final long size;
    private final long block;
    private final long chunkRatio;
    private final long batOffset;
    private final long batEntries;
    private final long[] batChunk = new long[BAT_CHUNK_ENTRIES];
    private long batChunkIndex = -1;

    private VhdxReader(ReadSource source, long fileSize, long size, long block, long chunkRatio, long batOffset, long batEntries) {
        this.source = source;
        this.fileSize = fileSize;
        this.size = size;
        this.block = block;
        this.chunkRatio = chunkRatio;
        this.batOffset = batOffset;
        this.batEntries = batEntries;
    }

    public static VhdxReader open(ReadSource source) throws IOException {
        Objects.requireNonNull(source, "source");
        long fileSize = source.size();
        check(fileSize >= RegionTable.TABLE_2_OFFSET + RegionTable.SIZE, "file too short for VHDX region tables");
        byte[] rt = source.readFully(RegionTable.TABLE_1_OFFSET, RegionTable.SIZE);
        if (!RegionTable.isValid(rt, 0)) {
            rt = source.readFully(RegionTable.TABLE_2_OFFSET, RegionTable.SIZE);
            check(RegionTable.isValid(rt, 0), "no valid region table");
        }
        RegionTable regions = RegionTable.parse(rt, 0);
        RegionTableEntry bat = regions.find(RegionTableEntry.BAT).orElseThrow(() -> bad("no BAT region"));
        RegionTableEntry meta = regions.find(RegionTableEntry.METADATA).orElseThrow(() -> bad("no metadata region"));
        check(inside(bat, fileSize) && inside(meta, fileSize) && meta.length() >= MetadataTable.SIZE, "regions outside the file");
        byte[] mt = source.readFully(meta.fileOffset(), MetadataTable.SIZE);
        check(MetadataTable.isValid(mt, 0), "no valid metadata table");
        MetadataTable table = MetadataTable.parse(mt, 0);
        ByteBuffer fp = item(source, table, meta, MetadataTableEntry.FILE_PARAMETERS, FileParameters.SIZE);
        long blockSize = fp.getInt(0) & 0xFFFF_FFFFL;
        check((fp.getInt(4) & 2) == 0, "differencing VHDX (HasParent)");
        check(blockSize >= FileParameters.MIN_BLOCK_SIZE && blockSize <= FileParameters.MAX_BLOCK_SIZE
                && Long.bitCount(blockSize) == 1, "block size " + blockSize);
        long virtual = item(source, table, meta, MetadataTableEntry.VIRTUAL_DISK_SIZE, 8).getLong(0);
        long logical = item(source, table, meta, MetadataTableEntry.LOGICAL_SECTOR_SIZE, 4).getInt(0) & 0xFFFF_FFFFL;
        check(logical == 512 || logical == 4096, "logical sector size " + logical);
        check(virtual > 0 && virtual <= VhdxInspector.MAX_VIRTUAL_SIZE, "virtual size " + virtual);
        long chunkRatio = (1L << 23) * logical / blockSize;
        long payload = (virtual + blockSize - 1) / blockSize;
        long entries = (payload - 1) + (payload - 1) / chunkRatio + 1;
        check(entries * 8 <= bat.length(), "BAT region too small for " + entries + " entries");
        return new VhdxReader(source, fileSize, virtual, blockSize, chunkRatio, bat.fileOffset(), entries);
    }

    /** Whether a region lies in the file; offsets are 64-bit fields, so no {@code offset + length} that could wrap. */
    private static boolean inside(RegionTableEntry r, long fileSize) {
        return r.fileOffset() >= 0 && r.length() >= 0 && r.fileOffset() <= fileSize - r.length();
    }

    private static ByteBuffer item(ReadSource source, MetadataTable table, RegionTableEntry region, UUID id, int len)
            throws IOException {
        MetadataTableEntry e = table.find(id).orElseThrow(() -> bad("no metadata item " + id));
        check(e.length() >= len && e.offset() >= MetadataTable.SIZE && e.offset() + len <= region.length(),
                "metadata item " + id + " outside its region");
        return ByteBuffer.wrap(source.readFully(region.fileOffset() + e.offset(), len)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static FormatException bad(String message) {
        return new FormatException(Reason.BAD_HEADER, message);
    }

    private static void check(boolean ok, String message) throws FormatException {
        FormatException.check(ok, Reason.BAD_HEADER, message);
    }

    @Override
    public long size() {
        return size;
    }

    private long blocks() {
        return (size + block - 1) / block;
    }

    private BatEntry entry(long blockNo) throws IOException {
        long index = blockNo + blockNo / chunkRatio;
        check(index < batEntries, "block " + blockNo + " beyond the BAT");
        long chunk = index / BAT_CHUNK_ENTRIES;
        if (chunk != batChunkIndex) {
            batChunkIndex = -1;
            long first = chunk * BAT_CHUNK_ENTRIES;
            int n = (int) Math.min(BAT_CHUNK_ENTRIES, batEntries - first);
            byte[] b = source.readFully(batOffset + first * 8, n * 8);
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(batChunk, 0, n);
            batChunkIndex = chunk;
        }
        return BatEntry.of(batChunk[(int) (index % BAT_CHUNK_ENTRIES)]);
    }

    private Extent.Kind kindOf(BatEntry e) throws FormatException {
        return switch (e.state()) {
            case BatEntry.PAYLOAD_FULLY_PRESENT -> Extent.Kind.DATA;
            case BatEntry.PAYLOAD_ZERO -> Extent.Kind.ZERO;
            case BatEntry.PAYLOAD_NOT_PRESENT, BatEntry.PAYLOAD_UNDEFINED, BatEntry.PAYLOAD_UNMAPPED,
                 BatEntry.PAYLOAD_UNMAPPED_QEMU -> null;
            default -> throw bad("payload block state " + e.state());
        };
    }

    /** File offset of a present block, checked against the file and the first MiB. */
    private long blockData(long blockNo, BatEntry e) throws FormatException {
        long at = e.fileOffset();
        long n = Math.min(block, size - blockNo * block);
        check(at >= (1L << 20) && at <= fileSize - n, "block " + blockNo + " at " + at + " outside the file");
        return at;
    }

    @Override
    public ExtentCursor extents() {
        long blocks = blocks();
        return new ExtentCursor() {
            private long b;

            @Override
            public Extent next() throws IOException {
                Extent.Kind kind = null;
                long start = 0;
                while (b < blocks) {
                    BatEntry e = entry(b);
                    Extent.Kind k = kindOf(e);
                    if (k == Extent.Kind.DATA) {
                        blockData(b, e);
                    }
                    if (kind == null) {
                        if (k != null) {
                            kind = k;
                            start = b;
                        }
                        b++;
                    } else if (k == kind) {
                        b++;
                    } else {
                        break;
                    }
                }
                if (kind == null) {
                    return null;
                }
                long from = start * block;
                return new Extent(from, Math.min(size, b * block) - from, kind);
            }
        };
    }

    @Override
    public void read(long position, byte[] buf, int off, int len) throws IOException {
        if (position < 0 || len < 0 || position + len > size || off < 0 || off + len > buf.length) {
            throw new IllegalArgumentException("read of " + len + " at " + position + " outside a disk of " + size);
        }
        int done = 0;
        while (done < len) {
            long pos = position + done;
            long b = pos / block;
            int n = (int) Math.min(block - pos % block, len - done);
            BatEntry e = entry(b);
            if (kindOf(e) == Extent.Kind.DATA) {
                source.readFully(blockData(b, e) + pos % block, buf, off + done, n);
            } else {
                Arrays.fill(buf, off + done, off + done + n, (byte) 0);
            }
            done += n;
        }
    }
}
