package dev.ferry.format.raw;

import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The primary GPT header at LBA 1 (UEFI spec 5.3.2), little-endian.
 *
 * @param sectorSize         the logical block size the header was found with (512 or 4096)
 * @param revision           0x00010000 for GPT 1.0
 * @param headerSize         bytes covered by the header CRC (92 up to one sector)
 * @param myLba              LBA of this header (must be 1)
 * @param alternateLba       LBA of the backup header (the disk's last LBA)
 * @param firstUsableLba     first LBA partitions may use
 * @param lastUsableLba      last LBA partitions may use
 * @param partitionEntryLba  start of the partition entry array
 * @param numberOfEntries    entries in the array
 * @param sizeOfEntry        bytes per entry (128 × 2^n)
 * @param entryArrayCrc      CRC32 of the entry array
 */
public record GptHeader(int sectorSize, long revision, long headerSize, long myLba, long alternateLba,
                        long firstUsableLba, long lastUsableLba, long partitionEntryLba,
                        long numberOfEntries, long sizeOfEntry, long entryArrayCrc) {
    public static final byte[] SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);
    public static final long REVISION_1_0 = 0x0001_0000L;
    /** Bounds the entry array we read for its CRC (the usual array is 16 KiB). */
    static final long MAX_ENTRY_ARRAY_BYTES = 1 << 20;

    public GptHeader {
        if (sectorSize != 512 && sectorSize != 4096) {
            throw new IllegalArgumentException("sector size " + sectorSize);
        }
    }

    /** True when "EFI PART" is at LBA 1 for 512- or 4096-byte sectors. */
    static int findSectorSize(ReadSource source) throws IOException {
        long size = source.size();
        for (int sectorSize : new int[] {512, 4096}) {
            if (size >= 2L * sectorSize && Arrays.equals(source.readFully(sectorSize, 8), SIGNATURE)) {
                return sectorSize;
            }
        }
        return 0;
    }

    /**
     * Reads and checks the primary header: signature, revision, header size and CRC, my LBA, usable
     * range, entry array placement and CRC, backup LBA inside the file.
     *
     * @return the header, or throws {@link GptException} with what is wrong
     */
    static GptHeader read(ReadSource source) throws IOException, GptException {
        int sectorSize = findSectorSize(source);
        if (sectorSize == 0) {
            throw new GptException(false, "protective MBR without an \"EFI PART\" header at LBA 1");
        }
        long fileSize = source.size();
        byte[] h = source.readFully(sectorSize, sectorSize);
        long headerSize = Le.u32(h, 12);
        if (headerSize < 92 || headerSize > sectorSize) {
            throw new GptException(false, "GPT header size " + headerSize);
        }
        long storedCrc = Le.u32(h, 16);
        byte[] covered = Arrays.copyOf(h, (int) headerSize);
        Arrays.fill(covered, 16, 20, (byte) 0);
        CRC32 crc = new CRC32();
        crc.update(covered);
        if (crc.getValue() != storedCrc) {
            throw new GptException(false, "GPT header CRC32 mismatch");
        }
        GptHeader g = new GptHeader(sectorSize, Le.u32(h, 8), headerSize, Le.u64(h, 24), Le.u64(h, 32), Le.u64(h, 40),
                Le.u64(h, 48), Le.u64(h, 72), Le.u32(h, 80), Le.u32(h, 84), Le.u32(h, 88));
        g.check(source, fileSize);
        return g;
    }

    private void check(ReadSource source, long fileSize) throws IOException, GptException {
        if (revision != REVISION_1_0) {
            throw new GptException(false, "GPT revision 0x" + Long.toHexString(revision));
        }
        if (myLba != 1) {
            throw new GptException(false, "GPT header says it is at LBA " + myLba);
        }
        long lastLba = fileSize / sectorSize - 1;
        if (Long.compareUnsigned(firstUsableLba, lastUsableLba) > 0 || partitionEntryLba < 2) {
            throw new GptException(false, "GPT usable range or entry array LBA invalid");
        }
        if (sizeOfEntry < 128 || sizeOfEntry > 4096 || Long.bitCount(sizeOfEntry) != 1) {
            throw new GptException(false, "GPT entry size " + sizeOfEntry);
        }
        long arrayBytes = numberOfEntries * sizeOfEntry;
        if (arrayBytes > MAX_ENTRY_ARRAY_BYTES) {
            throw new GptException(false, "GPT entry array of " + arrayBytes + " bytes");
        }
        if (Long.compareUnsigned(partitionEntryLba, lastLba) > 0
                || partitionEntryLba * sectorSize + arrayBytes > fileSize) {
            throw new GptException(true, "GPT entry array lies beyond the end of the file");
        }
        if (Long.compareUnsigned(alternateLba, lastLba) > 0 || Long.compareUnsigned(lastUsableLba, lastLba) > 0) {
            throw new GptException(true, "GPT backup header or usable range beyond the end of the file (disk truncated)");
        }
        CRC32 crc = new CRC32();
        byte[] buf = new byte[(int) Math.min(arrayBytes, 64 * 1024)];
        for (long done = 0; done < arrayBytes; ) {
            int n = (int) Math.min(buf.length, arrayBytes - done);
            source.readFully(partitionEntryLba * sectorSize + done, buf, 0, n);
            crc.update(buf, 0, n);
            done += n;
        }
        if (crc.getValue() != entryArrayCrc) {
            throw new GptException(false, "GPT partition entry array CRC32 mismatch");
        }
    }

    /** A GPT that is malformed ({@code truncated} false) or cut short ({@code truncated} true). */
    static final class GptException extends Exception {
        final boolean truncated;

        GptException(boolean truncated, String message) {
            super(message);
            this.truncated = truncated;
        }
    }
}
