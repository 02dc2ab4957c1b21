package dev.ferry.format.raw;

/**
 * One of the four 16-byte MBR partition entries (offsets 446, 462, 478, 494).
 *
 * @param status    boot indicator: 0x00 inactive, 0x80 active; anything else is malformed
 * @param startChs  CHS address of the first sector, 3 bytes packed as head, sector|cyl-high, cyl-low
 * @param type      partition type; 0x00 unused, 0xEE GPT protective
 * @param lbaStart  first sector (unsigned 32-bit)
 * @param sectors   number of sectors (unsigned 32-bit)
 */
public record PartitionEntry(int status, int startChs, int type, long lbaStart, long sectors) {
    public static final int TYPE_GPT_PROTECTIVE = 0xEE;
    /** CHS 0/2/0 (head 0, sector 2, cylinder 0) packed as head, sector, cylinder: LBA 1. */
    static final int CHS_LBA1 = 0x000200;

    public PartitionEntry {
        if (status < 0 || status > 0xFF || type < 0 || type > 0xFF || startChs < 0 || startChs > 0xFFFFFF) {
            throw new IllegalArgumentException("byte fields out of range");
        }
        if (lbaStart < 0 || lbaStart > 0xFFFF_FFFFL || sectors < 0 || sectors > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("u32 fields out of range");
        }
    }

    public boolean used() {
        return type != 0;
    }

    static PartitionEntry parse(byte[] sector, int off) {
        int chs = (sector[off + 1] & 0xFF) << 16 | (sector[off + 2] & 0xFF) << 8 | (sector[off + 3] & 0xFF);
        return new PartitionEntry(sector[off] & 0xFF, chs, sector[off + 4] & 0xFF,
                Le.u32(sector, off + 8), Le.u32(sector, off + 12));
    }
}
