package dev.ferry.format.vdi;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Finding;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.util.BitSet;

/**
 * VDI images: header checks, then a walk of the block map: every allocated entry must index a
 * block inside the file, below {@code blocksAllocated}, and no two entries may share a block.
 * Static images must have every block allocated. Undo/differencing images and a non-zero parent
 * UUID are refused (they depend on another file).
 */
public final class VdiInspector implements FormatInspector {
    /**
     * Largest block map walked (16 Mi entries = 64 MiB of map, 16 TiB at 1 MiB blocks); keeps the
     * duplicate-detection bitmap at 2 MiB whatever the header says.
     */
    static final long MAX_BLOCKS = 1L << 24;
    static final long MIN_BLOCK_SIZE = 512;
    static final long MAX_BLOCK_SIZE = 64L << 20;
    private static final int CHUNK = 64 * 1024;

    @Override
    public DiskFormat format() {
        return DiskFormat.VDI;
    }

    @Override
    public boolean probe(ReadSource source) throws IOException {
        if (source.size() < VdiHeader.SIGNATURE_OFFSET + 4) {
            return false;
        }
        return VdiHeader.u32(source.readFully(VdiHeader.SIGNATURE_OFFSET, 4), 0) == VdiHeader.SIGNATURE;
    }

    @Override
    public Inspection inspect(ReadSource source, Limits limits) throws IOException {
        long size = source.size();
        if (size < VdiHeader.LENGTH) {
            return reject(null, -1, size, probe(source) ? Reason.TRUNCATED : Reason.BAD_HEADER, "shorter than the 512-byte VDI header");
        }
        VdiHeader h = VdiHeader.parse(source.readFully(0, VdiHeader.LENGTH));
        if (h.signature() != VdiHeader.SIGNATURE) {
            return reject(null, -1, size, Reason.BAD_HEADER, "no VDI signature at 0x40");
        }
        if (h.version() >>> 16 != 1) {
            return reject(null, -1, size, Reason.UNSUPPORTED_VERSION, "VDI version 0x" + Long.toHexString(h.version()));
        }
        String sub = h.subformat();
        long vsize = h.diskSize() < 0 ? -1 : h.diskSize();
        if (h.imageType() != VdiHeader.TYPE_DYNAMIC && h.imageType() != VdiHeader.TYPE_STATIC) {
            String code = h.imageType() == 3 || h.imageType() == 4 ? Reason.BACKING_FILE : Reason.UNSUPPORTED_SUBFORMAT;
            return reject(sub, vsize, size, code, "VDI image type " + h.imageType() + " (only dynamic and static images stand alone)");
        }
        if (!h.parentUuidZero()) {
            return reject(sub, vsize, size, Reason.BACKING_FILE, "VDI parent UUID is set");
        }
        if (h.headerSize() < 0x180 || h.headerSize() + VdiHeader.SIGNATURE_OFFSET > VdiHeader.LENGTH || h.sectorSize() != 512) {
            return reject(sub, vsize, size, Reason.BAD_HEADER, "header size " + h.headerSize() + " or sector size " + h.sectorSize());
        }
        long bs = h.blockSize();
        if (bs < MIN_BLOCK_SIZE || bs > MAX_BLOCK_SIZE || Long.bitCount(bs) != 1 || h.blockExtra() % 512 != 0 || h.blockExtra() > bs) {
            return reject(sub, vsize, size, Reason.BAD_HEADER, "block size " + bs + " / extra " + h.blockExtra());
        }
        if (vsize < 0 || h.blocksInImage() > MAX_BLOCKS || h.blocksAllocated() > h.blocksInImage()) {
            return reject(sub, vsize, size, Reason.BAD_HEADER, "disk size " + h.diskSize() + ", " + h.blocksInImage()
                    + " blocks, " + h.blocksAllocated() + " allocated");
        }
        if (h.blocksInImage() * bs < vsize) {
            return reject(sub, vsize, size, Reason.BAD_HEADER, h.blocksInImage() + " blocks of " + bs + " bytes cannot hold " + vsize + " bytes");
        }
        if (vsize > limits.maxVirtualSize()) {
            return reject(sub, vsize, size, Reason.VIRTUAL_SIZE_LIMIT, "virtual size " + vsize + " exceeds the limit of " + limits.maxVirtualSize() + " bytes");
        }
        long mapEnd = h.blockMapOffset() + 4 * h.blocksInImage();
        if (h.blockMapOffset() < VdiHeader.LENGTH || h.dataOffset() < mapEnd || h.dataOffset() % 512 != 0) {
            return reject(sub, vsize, size, Reason.METADATA_OVERLAP, "block map at " + h.blockMapOffset() + " and data at "
                    + h.dataOffset() + " overlap the header or each other");
        }
        if (mapEnd > size) {
            return reject(sub, vsize, size, Reason.TRUNCATED, "block map ends at " + mapEnd + ", past the end of the file");
        }
        long stride = bs + h.blockExtra();
        long storedEnd = h.dataOffset() + h.blocksAllocated() * stride;
        if (storedEnd > size) {
            return reject(sub, vsize, size, Reason.TRUNCATED, h.blocksAllocated() + " allocated blocks need " + storedEnd
                    + " bytes, the file has " + size);
        }
        String problem = walkBlockMap(source, h);
        if (problem != null) {
            return reject(sub, vsize, size, problem.startsWith("overlap") ? Reason.METADATA_OVERLAP : Reason.BAD_HEADER, "block map: " + problem);
        }
        if (size > limits.maxFileSize()) {
            return reject(sub, vsize, size, Reason.FILE_SIZE_LIMIT, "file size " + size + " exceeds the limit of " + limits.maxFileSize() + " bytes");
        }
        return Inspection.accept(DiskFormat.VDI, sub, vsize, vsize, size);
    }

    /** Returns null when every entry is free, zero or a distinct in-range block index. */
    private static String walkBlockMap(ReadSource source, VdiHeader h) throws IOException {
        long n = h.blocksInImage();
        BitSet used = new BitSet((int) Math.min(h.blocksAllocated(), MAX_BLOCKS));
        byte[] buf = new byte[CHUNK];
        long allocated = 0;
        for (long done = 0; done < n; ) {
            int entries = (int) Math.min(CHUNK / 4, n - done);
            source.readFully(h.blockMapOffset() + done * 4, buf, 0, entries * 4);
            for (int i = 0; i < entries; i++) {
                long e = VdiHeader.u32(buf, i * 4);
                if (e == VdiHeader.BLOCK_FREE || e == VdiHeader.BLOCK_ZERO) {
                    continue;
                }
                if (e >= h.blocksAllocated()) {
                    return "entry " + (done + i) + " = " + e + " is beyond the " + h.blocksAllocated() + " allocated blocks";
                }
                if (used.get((int) e)) {
                    return "overlap: block " + e + " is mapped twice";
                }
                used.set((int) e);
                allocated++;
            }
            done += entries;
        }
        if (h.imageType() == VdiHeader.TYPE_STATIC && allocated != n) {
            return "static image with " + (n - allocated) + " unallocated blocks";
        }
        return null;
    }

    private static Inspection reject(String sub, long vsize, long size, String code, String message) {
        return Inspection.reject(DiskFormat.VDI, sub, vsize, size, new Finding(code, message));
    }
}
