package dev.ferry.format.vhdx;

/**
 * The File Parameters metadata item (8 bytes): block size and flags.
 *
 * @param blockSize            payload block size, a power of two from 1 MiB to 256 MiB
 * @param leaveBlocksAllocated fixed VHDX: blocks stay allocated
 * @param hasParent            differencing VHDX: reads fall through to a parent file
 */
public record FileParameters(long blockSize, boolean leaveBlocksAllocated, boolean hasParent) {
    public static final int SIZE = 8;
    public static final long MIN_BLOCK_SIZE = 1L << 20;
    public static final long MAX_BLOCK_SIZE = 256L << 20;

    public boolean isBlockSizeValid() {
        return blockSize >= MIN_BLOCK_SIZE && blockSize <= MAX_BLOCK_SIZE && Long.bitCount(blockSize) == 1;
    }
}
