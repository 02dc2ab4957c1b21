package dev.ferry.format.vhdx;

/**
 * A 64-bit VHDX BAT entry: state in bits 0-2, file offset in MiB in bits 20-63.
 *
 * @param state        payload: 0 NOT_PRESENT, 1 UNDEFINED, 2 ZERO, 3 UNMAPPED, 6 FULLY_PRESENT,
 *                     7 PARTIALLY_PRESENT; sector bitmap: 0 NOT_PRESENT, 6 PRESENT
 * @param fileOffsetMb file offset of the block in MiB (44 bits)
 */
public record BatEntry(int state, long fileOffsetMb) {
    public static final int PAYLOAD_NOT_PRESENT = 0;
    public static final int PAYLOAD_UNDEFINED = 1;
    public static final int PAYLOAD_ZERO = 2;
    public static final int PAYLOAD_UNMAPPED = 3;
    /** qemu's vhdx.h numbers UNMAPPED 5; read as unmapped too. */
    public static final int PAYLOAD_UNMAPPED_QEMU = 5;
    public static final int PAYLOAD_FULLY_PRESENT = 6;
    public static final int PAYLOAD_PARTIALLY_PRESENT = 7;
    public static final int SB_NOT_PRESENT = 0;
    public static final int SB_PRESENT = 6;

    public BatEntry {
        if (state < 0 || state > 7 || fileOffsetMb < 0 || fileOffsetMb >= 1L << 44) {
            throw new IllegalArgumentException("BAT entry out of range: state " + state + ", offset " + fileOffsetMb + " MiB");
        }
    }

    public static BatEntry of(long raw) {
        return new BatEntry((int) (raw & 7), raw >>> 20);
    }

    public long toRaw() {
        return fileOffsetMb << 20 | state;
    }

    public long fileOffset() {
        return fileOffsetMb << 20;
    }

    /** Payload states whose data reads as zeros (or, for UNDEFINED, as anything: Ferry writes zeros). */
    public boolean readsAsZero() {
        return state == PAYLOAD_NOT_PRESENT || state == PAYLOAD_UNDEFINED || state == PAYLOAD_ZERO
                || state == PAYLOAD_UNMAPPED || state == PAYLOAD_UNMAPPED_QEMU;
    }
}
