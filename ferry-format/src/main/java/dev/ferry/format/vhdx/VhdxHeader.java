package dev.ferry.format.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * One of the two VHDX headers (at 64 KiB and 128 KiB; 4 KiB covered by a CRC-32C). The valid
 * header with the higher sequence number is current; a non-zero log GUID means the log holds
 * entries that must be replayed before the file is consistent.
 */
public record VhdxHeader(int checksum, long sequenceNumber, UUID fileWriteGuid, UUID dataWriteGuid, UUID logGuid,
                         int logVersion, int version, long logLength, long logOffset) {
    public static final int SIZE = 4096;
    public static final long HEADER_1_OFFSET = 64 * 1024;
    public static final long HEADER_2_OFFSET = 128 * 1024;
    public static final byte[] SIGNATURE = "head".getBytes(StandardCharsets.US_ASCII);

    public VhdxHeader {
        Objects.requireNonNull(fileWriteGuid, "fileWriteGuid");
        Objects.requireNonNull(dataWriteGuid, "dataWriteGuid");
        Objects.requireNonNull(logGuid, "logGuid");
    }

    /** True when the 4 KiB at {@code off} have the signature and a correct CRC-32C. */
    public static boolean isValid(byte[] b, int off) {
        return b.length - off >= SIZE && Arrays.equals(b, off, off + 4, SIGNATURE, 0, 4) && Crc32c.isValid(b, off, SIZE);
    }

    /** Decodes 4 KiB at {@code off}; never throws for any content. */
    public static VhdxHeader parse(byte[] b, int off) {
        ByteBuffer bb = ByteBuffer.wrap(b, off, SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);
        return new VhdxHeader(bb.getInt(4), bb.getLong(8), Guids.read(b, off + 16), Guids.read(b, off + 32),
                Guids.read(b, off + 48), bb.getShort(64) & 0xFFFF, bb.getShort(66) & 0xFFFF,
                bb.getInt(68) & 0xFFFF_FFFFL, bb.getLong(72));
    }

    /** The 4 KiB header with a freshly computed checksum. */
    public byte[] toBytes() {
        byte[] b = new byte[SIZE];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(SIGNATURE);
        bb.putLong(8, sequenceNumber);
        Guids.write(fileWriteGuid, b, 16);
        Guids.write(dataWriteGuid, b, 32);
        Guids.write(logGuid, b, 48);
        bb.putShort(64, (short) logVersion).putShort(66, (short) version).putInt(68, (int) logLength).putLong(72, logOffset);
        Crc32c.seal(b, 0, SIZE);
        return b;
    }

    public boolean logMustBeReplayed() {
        return !Guids.isZero(logGuid);
    }
}
