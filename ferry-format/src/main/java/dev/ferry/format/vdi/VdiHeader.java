package dev.ferry.format.vdi;

/**
 * The VDI header fields Ferry checks (little-endian, offsets from the start of the file).
 *
 * @param signature       0xBEDA107F at 0x40
 * @param version         0x00010001 at 0x44 (major 1, minor 1)
 * @param headerSize      0x48; qemu writes 0x180 (bytes after the 0x40 pre-header)
 * @param imageType       0x4C: 1 dynamic, 2 static, 3 undo, 4 differencing
 * @param blockMapOffset  0x154: file offset of the block map
 * @param dataOffset      0x158: file offset of block 0's data
 * @param sectorSize      0x168: 512
 * @param diskSize        0x170: virtual size in bytes
 * @param blockSize       0x178: bytes per block (1 MiB)
 * @param blockExtra      0x17C: bytes of per-block metadata before each block's data
 * @param blocksInImage   0x180: block map entries
 * @param blocksAllocated 0x184: blocks stored in the file
 * @param parentUuidZero  whether the parent UUID at 0x1B8 is all zeros (non-zero: differencing image)
 */
public record VdiHeader(long signature, long version, long headerSize, long imageType, long blockMapOffset,
                        long dataOffset, long sectorSize, long diskSize, long blockSize, long blockExtra,
                        long blocksInImage, long blocksAllocated, boolean parentUuidZero) {
    public static final long SIGNATURE = 0xBEDA107FL;
    public static final int SIGNATURE_OFFSET = 0x40;
    public static final long VERSION_1_1 = 0x0001_0001L;
    public static final long TYPE_DYNAMIC = 1;
    public static final long TYPE_STATIC = 2;
    /** The header occupies the first 512 bytes in every VDI writer. */
    public static final int LENGTH = 512;
    /** Block map entry: block not allocated (reads as zeros from the parent, i.e. zeros). */
    public static final long BLOCK_FREE = 0xFFFF_FFFFL;
    /** Block map entry: block explicitly zero. */
    public static final long BLOCK_ZERO = 0xFFFF_FFFEL;

    static VdiHeader parse(byte[] h) {
        boolean parentZero = true;
        for (int i = 0x1B8; i < 0x1C8; i++) {
            parentZero &= h[i] == 0;
        }
        return new VdiHeader(u32(h, 0x40), u32(h, 0x44), u32(h, 0x48), u32(h, 0x4C), u32(h, 0x154), u32(h, 0x158),
                u32(h, 0x168), u64(h, 0x170), u32(h, 0x178), u32(h, 0x17C), u32(h, 0x180), u32(h, 0x184), parentZero);
    }

    public String subformat() {
        return imageType == TYPE_STATIC ? "static" : imageType == TYPE_DYNAMIC ? "dynamic" : "type-" + imageType;
    }

    static long u32(byte[] b, int o) {
        return (b[o] & 0xFFL) | (b[o + 1] & 0xFFL) << 8 | (b[o + 2] & 0xFFL) << 16 | (b[o + 3] & 0xFFL) << 24;
    }

    static long u64(byte[] b, int o) {
        return u32(b, o) | u32(b, o + 4) << 32;
    }
}
