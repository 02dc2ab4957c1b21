package dev.ferry.format.vhd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds small VHD images in memory for tests, with its own encoding (independent of the main
 * records) so that tests check the inspector against the spec's layout. Fields are public and
 * mutable: a test sets what it needs, calls {@link #build()}, and may patch the bytes afterwards
 * with {@link #putInt} and {@link #resealFooters} / {@link #resealHeader}.
 */
final class VhdImage {
    static final int FIXED = 2;
    static final int DYNAMIC = 3;
    static final int DIFFERENCING = 4;
    static final long MIB = 1024 * 1024;

    int diskType = DYNAMIC;
    long currentSize = 8 * MIB;
    String creator = "qemu";
    int cylinders = 240;
    int heads = 4;
    int sectorsPerTrack = 17;
    int features = 2;
    int version = 0x00010000;
    long uuidHigh = 0x54C50F3DAFA147ABL;
    long uuidLow = 0x8F0BD7E7A1B2C3D4L;
    int savedState;
    /** Fixed disks: all ones. Dynamic: 512. */
    Long dataOffset;
    // dynamic header
    long blockSize = 2 * MIB;
    Long maxTableEntries;
    long tableOffset = 1536;
    int headerVersion = 0x00010000;
    String parentName = "";
    /** Blocks to allocate, laid out after the BAT in this order. */
    List<Integer> allocated = new ArrayList<>();
    /** Fixed disks: bytes written at the start of the data. */
    byte[] sector0;

    static VhdImage fixed() {
        VhdImage v = new VhdImage();
        v.diskType = FIXED;
        return v;
    }

    static VhdImage dynamic() {
        return new VhdImage();
    }

    long entries() {
        return maxTableEntries != null ? maxTableEntries : (currentSize + blockSize - 1) / blockSize;
    }

    long bitmapSize() {
        return ((blockSize / 512 + 7) / 8 + 511) / 512 * 512;
    }

    long batBytes() {
        return (entries() * 4 + 511) / 512 * 512;
    }

    /** Where the data blocks start in a dynamic image. */
    long firstBlockOffset() {
        return tableOffset + batBytes();
    }

    byte[] footer() {
        ByteBuffer bb = ByteBuffer.allocate(512);
        bb.put("conectix".getBytes(StandardCharsets.US_ASCII));
        bb.putInt(8, features).putInt(12, version);
        long off = dataOffset != null ? dataOffset : diskType == FIXED ? -1L : 512L;
        bb.putLong(16, off).putInt(24, 0x329587E5);
        bb.put(28, creator.getBytes(StandardCharsets.ISO_8859_1));
        bb.putInt(32, 0x00050003).putInt(36, 0x5769326B).putLong(40, currentSize).putLong(48, currentSize);
        bb.putShort(56, (short) cylinders).put(58, (byte) heads).put(59, (byte) sectorsPerTrack);
        bb.putInt(60, diskType).putLong(68, uuidHigh).putLong(76, uuidLow).put(84, (byte) savedState);
        bb.putInt(64, checksum(bb.array(), 0, 512, 64));
        return bb.array();
    }

    byte[] header() {
        ByteBuffer bb = ByteBuffer.allocate(1024);
        bb.put("cxsparse".getBytes(StandardCharsets.US_ASCII));
        bb.putLong(8, -1L).putLong(16, tableOffset).putInt(24, headerVersion).putInt(28, (int) entries()).putInt(32, (int) blockSize);
        byte[] name = parentName.getBytes(StandardCharsets.UTF_16BE);
        bb.put(64, name);
        bb.putInt(36, checksum(bb.array(), 0, 1024, 36));
        return bb.array();
    }

    byte[] build() {
        byte[] footer = footer();
        if (diskType == FIXED) {
            byte[] img = new byte[Math.toIntExact(currentSize + 512)];
            if (sector0 != null) {
                System.arraycopy(sector0, 0, img, 0, sector0.length);
            }
            System.arraycopy(footer, 0, img, img.length - 512, 512);
            return img;
        }
        long stride = bitmapSize() + blockSize;
        long end = firstBlockOffset() + allocated.size() * stride;
        byte[] img = new byte[Math.toIntExact(end + 512)];
        System.arraycopy(footer, 0, img, 0, 512);
        System.arraycopy(header(), 0, img, 512, 1024);
        ByteBuffer bb = ByteBuffer.wrap(img);
        for (long i = 0; i < entries(); i++) {
            bb.putInt(Math.toIntExact(tableOffset + 4 * i), -1);
        }
        for (int k = 0; k < allocated.size(); k++) {
            long at = firstBlockOffset() + k * stride;
            bb.putInt(Math.toIntExact(tableOffset + 4L * allocated.get(k)), (int) (at / 512));
            Arrays.fill(img, (int) at, (int) (at + bitmapSize()), (byte) 0xFF);
        }
        System.arraycopy(footer, 0, img, img.length - 512, 512);
        return img;
    }

    static int checksum(byte[] b, int off, int len, int field) {
        int sum = 0;
        for (int i = 0; i < len; i++) {
            if (i < field || i >= field + 4) {
                sum += b[off + i] & 0xFF;
            }
        }
        return ~sum;
    }

    static void putInt(byte[] img, long at, int value) {
        ByteBuffer.wrap(img).putInt(Math.toIntExact(at), value);
    }

    /** Recomputes the checksum of the trailing footer and, for dynamic images, of the copy at 0. */
    static void resealFooters(byte[] img, boolean both) {
        int tail = img.length - 512;
        putInt(img, tail + 64, checksum(img, tail, 512, 64));
        if (both) {
            putInt(img, 64, checksum(img, 0, 512, 64));
        }
    }

    static void resealHeader(byte[] img, int at) {
        putInt(img, at + 36, checksum(img, at, 1024, 36));
    }
}
