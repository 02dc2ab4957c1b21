package dev.ferry.format.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The 1024-byte dynamic disk header of dynamic and differencing VHDs (at the footer's data
 * offset, big-endian). Unsigned 32-bit fields are held as longs.
 *
 * @param dataOffset        unused, all ones
 * @param tableOffset       absolute offset of the BAT
 * @param headerVersion     0x00010000
 * @param maxTableEntries   number of BAT entries (unsigned 32 bits)
 * @param blockSize         data bytes per block, excluding the sector bitmap (unsigned 32 bits)
 * @param checksum          stored checksum
 * @param parentUniqueId    differencing disks: the parent's UUID
 * @param parentTimestamp   differencing disks: the parent's modification time
 * @param parentUnicodeName differencing disks: the parent's name (UTF-16BE, zero padded, 512 bytes)
 * @param parentLocators    the eight parent locator entries
 */
public record DynamicDiskHeader(long dataOffset, long tableOffset, int headerVersion, long maxTableEntries,
                                long blockSize, int checksum, UUID parentUniqueId, int parentTimestamp,
                                String parentUnicodeName, List<ParentLocatorEntry> parentLocators) {
    public static final int SIZE = 1024;
    public static final byte[] COOKIE = "cxsparse".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION_1_0 = 0x00010000;
    public static final long DEFAULT_BLOCK_SIZE = 2L * 1024 * 1024;
    public static final int LOCATOR_COUNT = 8;
    private static final int CHECKSUM_OFFSET = 36;
    private static final int NAME_OFFSET = 64;
    private static final int NAME_LENGTH = 512;
    private static final int LOCATORS_OFFSET = 576;

    public DynamicDiskHeader {
        Objects.requireNonNull(parentUniqueId, "parentUniqueId");
        Objects.requireNonNull(parentUnicodeName, "parentUnicodeName");
        parentLocators = List.copyOf(parentLocators);
        if (parentLocators.size() != LOCATOR_COUNT) {
            throw new IllegalArgumentException("a dynamic header has 8 parent locators, not " + parentLocators.size());
        }
        if (maxTableEntries < 0 || maxTableEntries > 0xFFFF_FFFFL || blockSize < 0 || blockSize > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("unsigned 32-bit fields out of range");
        }
        if (parentUnicodeName.length() > NAME_LENGTH / 2) {
            throw new IllegalArgumentException("parent name longer than 256 UTF-16 units");
        }
    }

    public static boolean hasCookie(byte[] b, int off) {
        return b.length - off >= COOKIE.length && Arrays.equals(b, off, off + COOKIE.length, COOKIE, 0, COOKIE.length);
    }

    /** Decodes 1024 bytes at {@code off}; never throws for any content. */
    public static DynamicDiskHeader parse(byte[] b, int off) {
        if (off < 0 || b.length - off < SIZE) {
            throw new IllegalArgumentException("a dynamic disk header is 1024 bytes");
        }
        ByteBuffer bb = ByteBuffer.wrap(b, off, SIZE).slice();
        String name = new String(b, off + NAME_OFFSET, NAME_LENGTH, StandardCharsets.UTF_16BE);
        int nul = name.indexOf('\0');
        if (nul >= 0) {
            name = name.substring(0, nul);
        }
        ParentLocatorEntry[] locators = new ParentLocatorEntry[LOCATOR_COUNT];
        for (int i = 0; i < LOCATOR_COUNT; i++) {
            locators[i] = ParentLocatorEntry.parse(bb, LOCATORS_OFFSET + i * ParentLocatorEntry.SIZE);
        }
        return new DynamicDiskHeader(bb.getLong(8), bb.getLong(16), bb.getInt(24), bb.getInt(28) & 0xFFFF_FFFFL,
                bb.getInt(32) & 0xFFFF_FFFFL, bb.getInt(CHECKSUM_OFFSET), new UUID(bb.getLong(40), bb.getLong(48)),
                bb.getInt(56), name, List.of(locators));
    }

    public static int checksumOf(byte[] b, int off) {
        return Checksums.onesComplementSum(b, off, SIZE, CHECKSUM_OFFSET);
    }

    public static boolean isChecksumValid(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, SIZE).slice().getInt(CHECKSUM_OFFSET) == checksumOf(b, off);
    }

    /** A plain dynamic disk's header: no parent, BAT at {@code tableOffset}. */
    public static DynamicDiskHeader dynamic(long tableOffset, long maxTableEntries, long blockSize) {
        return new DynamicDiskHeader(-1L, tableOffset, VERSION_1_0, maxTableEntries, blockSize, 0,
                new UUID(0, 0), 0, "", java.util.Collections.nCopies(LOCATOR_COUNT, ParentLocatorEntry.EMPTY))
                .withComputedChecksum();
    }

    /** True when any parent field is set: the disk depends on another file. */
    public boolean referencesParent() {
        return parentUniqueId.getMostSignificantBits() != 0 || parentUniqueId.getLeastSignificantBits() != 0
                || !parentUnicodeName.isEmpty() || parentLocators.stream().anyMatch(l -> !l.isEmpty());
    }

    /** Bytes of the sector bitmap in front of each block: one bit per sector, padded to 512. */
    public long sectorBitmapSize() {
        return bitmapSizeFor(blockSize);
    }

    public static long bitmapSizeFor(long blockSize) {
        long sectors = (blockSize + 511) / 512;
        long bytes = (sectors + 7) / 8;
        return (bytes + 511) / 512 * 512;
    }

    /** BAT bytes on disk: 4 per entry, padded to a sector. */
    public long tableSize() {
        return (maxTableEntries * 4 + 511) / 512 * 512;
    }

    public byte[] toBytes() {
        byte[] b = new byte[SIZE];
        ByteBuffer bb = ByteBuffer.wrap(b);
        bb.put(COOKIE);
        bb.putLong(8, dataOffset).putLong(16, tableOffset).putInt(24, headerVersion).putInt(28, (int) maxTableEntries)
                .putInt(32, (int) blockSize).putInt(CHECKSUM_OFFSET, checksum)
                .putLong(40, parentUniqueId.getMostSignificantBits()).putLong(48, parentUniqueId.getLeastSignificantBits())
                .putInt(56, parentTimestamp);
        byte[] name = parentUnicodeName.getBytes(StandardCharsets.UTF_16BE);
        System.arraycopy(name, 0, b, NAME_OFFSET, Math.min(name.length, NAME_LENGTH));
        for (int i = 0; i < LOCATOR_COUNT; i++) {
            parentLocators.get(i).write(bb, LOCATORS_OFFSET + i * ParentLocatorEntry.SIZE);
        }
        return b;
    }

    public DynamicDiskHeader withComputedChecksum() {
        return new DynamicDiskHeader(dataOffset, tableOffset, headerVersion, maxTableEntries, blockSize,
                checksumOf(toBytes(), 0), parentUniqueId, parentTimestamp, parentUnicodeName, parentLocators);
    }
}
