package dev.ferry.format.vhdx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/** GUIDs as VHDX stores them: Microsoft layout, the first three groups little-endian. */
public final class Guids {
    private Guids() {
    }

    public static UUID read(byte[] b, int off) {
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long data1 = le.getInt(off) & 0xFFFF_FFFFL;
        long data2 = le.getShort(off + 4) & 0xFFFF;
        long data3 = le.getShort(off + 6) & 0xFFFF;
        long data4 = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).getLong(off + 8);
        return new UUID(data1 << 32 | data2 << 16 | data3, data4);
    }

    public static void write(UUID id, byte[] b, int off) {
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long msb = id.getMostSignificantBits();
        le.putInt(off, (int) (msb >>> 32)).putShort(off + 4, (short) (msb >>> 16)).putShort(off + 6, (short) msb);
        ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).putLong(off + 8, id.getLeastSignificantBits());
    }

    public static boolean isZero(UUID id) {
        return id.getMostSignificantBits() == 0 && id.getLeastSignificantBits() == 0;
    }
}
