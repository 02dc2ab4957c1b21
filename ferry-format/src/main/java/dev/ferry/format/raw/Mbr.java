package dev.ferry.format.raw;

import java.util.List;
import java.util.Optional;

/**
 * A DOS/MBR partition table in sector 0: four entries and the {@code 55 AA} signature at 510.
 *
 * <p>The structural rules follow the OpenStack inspector: every boot flag is 0x00 or 0x80, at
 * least one entry is used, and a GPT protective entry (type 0xEE) must be the only entry and start
 * at LBA 1 (CHS 0/2/0).
 */
public record Mbr(List<PartitionEntry> entries) {
    public static final int SIGNATURE_OFFSET = 510;
    static final int ENTRIES_OFFSET = 446;

    public Mbr {
        entries = List.copyOf(entries);
        if (entries.size() != 4) {
            throw new IllegalArgumentException("an MBR has four entries, not " + entries.size());
        }
    }

    /**
     * True when sector 0 carries {@code 55 AA} at 510 and is not a FAT volume boot record (two FATs
     * at 0x10 and media descriptor 0xF8 at 0x15), i.e. when something would take it for a
     * partition table.
     */
    public static boolean hasSignature(byte[] sector0) {
        if (sector0.length < 512 || (sector0[510] & 0xFF) != 0x55 || (sector0[511] & 0xFF) != 0xAA) {
            return false;
        }
        boolean fatBootRecord = sector0[0x10] == 2 && (sector0[0x15] & 0xFF) == 0xF8;
        return !fatBootRecord;
    }

    /** The table in sector 0 when it has the signature and a well-formed layout, else empty. */
    public static Optional<Mbr> parse(byte[] sector0) {
        if (!hasSignature(sector0)) {
            return Optional.empty();
        }
        Mbr mbr = new Mbr(List.of(PartitionEntry.parse(sector0, ENTRIES_OFFSET), PartitionEntry.parse(sector0, ENTRIES_OFFSET + 16),
                PartitionEntry.parse(sector0, ENTRIES_OFFSET + 32), PartitionEntry.parse(sector0, ENTRIES_OFFSET + 48)));
        return mbr.wellFormed() ? Optional.of(mbr) : Optional.empty();
    }

    /** True when the only used entry is a GPT protective partition. */
    public boolean protective() {
        return entries.stream().anyMatch(e -> e.type() == PartitionEntry.TYPE_GPT_PROTECTIVE);
    }

    private boolean wellFormed() {
        long used = entries.stream().filter(PartitionEntry::used).count();
        if (used == 0) {
            return false;
        }
        for (PartitionEntry e : entries) {
            if (e.status() != 0x00 && e.status() != 0x80) {
                return false;
            }
        }
        if (protective()) {
            PartitionEntry p = entries.stream().filter(e -> e.type() == PartitionEntry.TYPE_GPT_PROTECTIVE).findFirst().orElseThrow();
            return used == 1 && p.lbaStart() == 1 && p.startChs() == PartitionEntry.CHS_LBA1;
        }
        return true;
    }
}
