package dev.ferry.format.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * The 512-byte VHD hard disk footer (big-endian). Fixed disks carry it only at the end of the
 * file; dynamic and differencing disks also at offset 0. {@link #parse} decodes any 512 bytes
 * without judging them; the inspector checks cookie, checksum and fields. {@link #toBytes()}
 * writes the footer back with its stored checksum, {@link #withComputedChecksum()} fixes it first.
 *
 * @param features           bit 0 temporary, bit 1 reserved (always set)
 * @param fileFormatVersion  0x00010000
 * @param dataOffset         offset of the dynamic disk header; all ones for fixed disks
 * @param timestamp          seconds since 2000-01-01 00:00:00 UTC (unsigned 32 bits)
 * @param creatorApplication four ASCII characters, e.g. "qemu", "win ", "tap\0"
 * @param creatorVersion     major &lt;&lt; 16 | minor
 * @param creatorHostOs      e.g. 0x5769326B "Wi2k"
 * @param originalSize       size at creation in bytes (unsigned; may read as negative if hostile)
 * @param currentSize        current virtual size in bytes (unsigned; may read as negative if hostile)
 * @param geometry           CHS geometry
 * @param diskTypeCode       raw disk type field ({@link DiskType#of})
 * @param checksum           the stored checksum (one's complement of the byte sum)
 * @param uniqueId           UUID stored big-endian
 * @param savedState         1 when the VM was saved
 * @param hiddenFlag         byte 85, which blktap uses as a "hidden" flag; kept so a copy round-trips
 */
public record Footer(int features, int fileFormatVersion, long dataOffset, int timestamp,
                     String creatorApplication, int creatorVersion, int creatorHostOs,
                     long originalSize, long currentSize, DiskGeometry geometry, int diskTypeCode,
                     int checksum, UUID uniqueId, int savedState, int hiddenFlag) {
    public static final int SIZE = 512;
    public static final byte[] COOKIE = "conectix".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION_1_0 = 0x00010000;
    public static final int FEATURE_TEMPORARY = 1;
    public static final int FEATURE_RESERVED = 2;
    /** Fixed disks: data offset is all ones (tools write 64 bits of ones; the spec text 32). */
    public static final long NO_DATA_OFFSET = -1L;
    private static final int CHECKSUM_OFFSET = 64;

    public Footer {
        Objects.requireNonNull(geometry, "geometry");
        Objects.requireNonNull(uniqueId, "uniqueId");
        Objects.requireNonNull(creatorApplication, "creatorApplication");
        if (creatorApplication.length() != 4 || !StandardCharsets.ISO_8859_1.newEncoder().canEncode(creatorApplication)) {
            throw new IllegalArgumentException("creator application must be 4 single-byte characters: " + creatorApplication);
        }
        if (savedState < 0 || savedState > 0xFF || hiddenFlag < 0 || hiddenFlag > 0xFF) {
            throw new IllegalArgumentException("saved state / hidden flag are bytes");
        }
    }

    /** True when {@code b[off..off+8]} is the cookie "conectix". */
    public static boolean hasCookie(byte[] b, int off) {
        return b.length - off >= COOKIE.length && Arrays.equals(b, off, off + COOKIE.length, COOKIE, 0, COOKIE.length);
    }

    /** Decodes 512 bytes at {@code off}; never throws for any content. */
    public static Footer parse(byte[] b, int off) {
        if (b.length - off < SIZE || off < 0) {
            throw new IllegalArgumentException("a footer is 512 bytes");
        }
        ByteBuffer bb = ByteBuffer.wrap(b, off, SIZE).slice();
        return new Footer(bb.getInt(8), bb.getInt(12), bb.getLong(16), bb.getInt(24),
                new String(b, off + 28, 4, StandardCharsets.ISO_8859_1), bb.getInt(32), bb.getInt(36),
                bb.getLong(40), bb.getLong(48),
                new DiskGeometry(bb.getShort(56) & 0xFFFF, bb.get(58) & 0xFF, bb.get(59) & 0xFF),
                bb.getInt(60), bb.getInt(64), new UUID(bb.getLong(68), bb.getLong(76)),
                bb.get(84) & 0xFF, bb.get(85) & 0xFF);
    }

    /** The checksum the spec defines for the 512 raw bytes at {@code off} (field bytes 64..67 as 0). */
    public static int checksumOf(byte[] b, int off) {
        return Checksums.onesComplementSum(b, off, SIZE, CHECKSUM_OFFSET);
    }

    /** True when the raw footer at {@code off} carries its correct checksum. */
    public static boolean isChecksumValid(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, SIZE).slice().getInt(CHECKSUM_OFFSET) == checksumOf(b, off);
    }

    public DiskType diskType() {
        return DiskType.of(diskTypeCode);
    }

    public boolean hasZeroUniqueId() {
        return uniqueId.getMostSignificantBits() == 0 && uniqueId.getLeastSignificantBits() == 0;
    }

    /**
     * The virtual size qemu 7.2 reports (block/vpc.c): C*H*S*512 unless the creator is one whose
     * writers store an exact current size ("win ", "qem2", "d2v ", "CTXS", "tap\0") or the
     * geometry is the pinned maximum; then current_size. -1 when current_size is not a valid size.
     */
    public long qemuVirtualSize() {
        boolean useCurrentSize = switch (creatorApplication) {
            case "win ", "qem2", "d2v ", "CTXS", "tap\0" -> true;
            default -> geometry.isMaximum();
        };
        if (useCurrentSize) {
            return currentSize < 0 ? -1 : currentSize;
        }
        return geometry.bytes();
    }

    /** The 512 bytes of this footer, with the stored {@link #checksum()}. */
    public byte[] toBytes() {
        byte[] b = new byte[SIZE];
        ByteBuffer bb = ByteBuffer.wrap(b);
        bb.put(COOKIE);
        bb.putInt(8, features).putInt(12, fileFormatVersion).putLong(16, dataOffset).putInt(24, timestamp);
        byte[] creator = creatorApplication.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(creator, 0, b, 28, 4);
        bb.putInt(32, creatorVersion).putInt(36, creatorHostOs).putLong(40, originalSize).putLong(48, currentSize);
        bb.putShort(56, (short) geometry.cylinders()).put(58, (byte) geometry.heads()).put(59, (byte) geometry.sectorsPerTrack());
        bb.putInt(60, diskTypeCode).putInt(64, checksum);
        bb.putLong(68, uniqueId.getMostSignificantBits()).putLong(76, uniqueId.getLeastSignificantBits());
        bb.put(84, (byte) savedState).put(85, (byte) hiddenFlag);
        return b;
    }

    /** This footer with the checksum its fields require, ready to be written. */
    public Footer withComputedChecksum() {
        int sum = checksumOf(toBytes(), 0);
        return new Footer(features, fileFormatVersion, dataOffset, timestamp, creatorApplication, creatorVersion,
                creatorHostOs, originalSize, currentSize, geometry, diskTypeCode, sum, uniqueId, savedState, hiddenFlag);
    }
}
