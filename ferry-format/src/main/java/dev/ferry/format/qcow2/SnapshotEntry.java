package dev.ferry.format.qcow2;

/**
 * The fixed part of one snapshot table entry (the variable part, extra data + id + name, follows
 * and is padded to 8 bytes). A converter reads the active L1 only; snapshots matter for validation
 * because their L1 tables are metadata too.
 */
public record SnapshotEntry(long l1TableOffset, long l1Size, int idStrSize, int nameSize, long extraDataSize) {
    /** Bytes before the extra data. */
    public static final int FIXED_SIZE = 40;

    public SnapshotEntry {
        if (l1TableOffset < 0 || l1Size < 0 || idStrSize < 0 || nameSize < 0 || extraDataSize < 0) {
            throw new IllegalArgumentException("negative field");
        }
    }

    /** Length of the whole entry including padding. */
    public long length() {
        long n = FIXED_SIZE + extraDataSize + idStrSize + nameSize;
        return (n + 7) & ~7L;
    }
}
