package dev.ferry.format.vhd;

import java.nio.ByteBuffer;

/**
 * One of the dynamic header's eight parent locator entries (24 bytes). Only differencing disks
 * use them; an entry with platform code 0 is empty.
 *
 * @param platformCode       e.g. 0x5732726B "W2ku" (absolute Windows path), 0x4D616358 "MacX"
 * @param platformDataSpace  sectors (some writers: bytes) reserved for the locator data
 * @param platformDataLength bytes of locator data
 * @param platformDataOffset absolute file offset of the locator data
 */
public record ParentLocatorEntry(int platformCode, int platformDataSpace, int platformDataLength, long platformDataOffset) {
    public static final int SIZE = 24;
    public static final ParentLocatorEntry EMPTY = new ParentLocatorEntry(0, 0, 0, 0);

    static ParentLocatorEntry parse(ByteBuffer bb, int off) {
        return new ParentLocatorEntry(bb.getInt(off), bb.getInt(off + 4), bb.getInt(off + 8), bb.getLong(off + 16));
    }

    void write(ByteBuffer bb, int off) {
        bb.putInt(off, platformCode).putInt(off + 4, platformDataSpace).putInt(off + 8, platformDataLength)
                .putInt(off + 12, 0).putLong(off + 16, platformDataOffset);
    }

    public boolean isEmpty() {
        return platformCode == 0 && platformDataSpace == 0 && platformDataLength == 0 && platformDataOffset == 0;
    }
}
