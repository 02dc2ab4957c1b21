package dev.ferry.format.vmdk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A streamOptimized marker at a sector boundary: {@code value(8) size(4)}, then for metadata
 * markers ({@code size == 0}) {@code type(4)} and 496 zero bytes. For a grain marker, value is the
 * grain's guest LBA and size the length of the zlib data that follows the 12-byte marker.
 */
public record Marker(long value, long size, long type) {
    public static final int GRAIN_HEADER_SIZE = 12;
    public static final long TYPE_EOS = 0;
    public static final long TYPE_GT = 1;
    public static final long TYPE_GD = 2;
    public static final long TYPE_FOOTER = 3;

    /** Parses the first 16 bytes of {@code b} (type is meaningful only when size is 0). */
    public static Marker parse(byte[] b) {
        ByteBuffer v = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return new Marker(v.getLong(0), Integer.toUnsignedLong(v.getInt(8)), b.length >= 16 ? Integer.toUnsignedLong(v.getInt(12)) : -1);
    }

    public boolean isGrain() {
        return size != 0;
    }

    public boolean isEndOfStream() {
        return value == 0 && size == 0 && type == TYPE_EOS;
    }
}
