package dev.ferry.format.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Minimal but valid images of the formats ferry-format implements itself, built byte by byte. */
public final class TestImages {
    private TestImages() {
    }

    public static void putLe32(byte[] b, int off, long v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(off, (int) v);
    }

    public static void putLe64(byte[] b, int off, long v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(off, v);
    }

    public static void putBe32(byte[] b, int off, long v) {
        ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).putInt(off, (int) v);
    }

    public static void put(byte[] b, int off, String ascii) {
        byte[] s = ascii.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(s, 0, b, off, s.length);
    }

    /** A disk of {@code size} bytes with one Linux partition in a DOS MBR. */
    public static byte[] mbrDisk(int size) {
        byte[] d = new byte[size];
        int e = 446;
        d[e] = (byte) 0x80;
        d[e + 1] = 0x20;
        d[e + 2] = 0x21;
        d[e + 4] = (byte) 0x83;
        putLe32(d, e + 8, 2048);
        putLe32(d, e + 12, size / 512 - 2048);
        d[510] = 0x55;
        d[511] = (byte) 0xAA;
        return d;
    }

    /** A GPT disk of {@code size} bytes (512-byte sectors): protective MBR, primary header, empty entry array. */
    public static byte[] gptDisk(int size) {
        byte[] d = new byte[size];
        long lastLba = size / 512 - 1;
        int e = 446;
        d[e + 2] = 0x02;
        d[e + 4] = (byte) 0xEE;
        d[e + 5] = (byte) 0xFF;
        d[e + 6] = (byte) 0xFF;
        d[e + 7] = (byte) 0xFF;
        putLe32(d, e + 8, 1);
        putLe32(d, e + 12, Math.min(lastLba, 0xFFFFFFFFL));
        d[510] = 0x55;
        d[511] = (byte) 0xAA;
        int h = 512;
        put(d, h, "EFI PART");
        putLe32(d, h + 8, 0x00010000);
        putLe32(d, h + 12, 92);
        putLe64(d, h + 24, 1);
        putLe64(d, h + 32, lastLba);
        putLe64(d, h + 40, 34);
        putLe64(d, h + 48, lastLba - 33);
        putLe64(d, h + 72, 2);
        putLe32(d, h + 80, 128);
        putLe32(d, h + 84, 128);
        CRC32 array = new CRC32();
        array.update(d, 1024, 128 * 128);
        putLe32(d, h + 88, array.getValue());
        fixGptHeaderCrc(d);
        return d;
    }

    public static void fixGptHeaderCrc(byte[] d) {
        putLe32(d, 512 + 16, 0);
        CRC32 crc = new CRC32();
        crc.update(d, 512, 92);
        putLe32(d, 512 + 16, crc.getValue());
    }

    /** An ISO 9660 image: PVD at sector 16, terminator at 17, volume of {@code sectors} 2048-byte blocks. */
    public static byte[] iso(int sectors, int fileSectors) {
        byte[] d = new byte[fileSectors * 2048];
        int p = 16 * 2048;
        d[p] = 1;
        put(d, p + 1, "CD001");
        d[p + 6] = 1;
        putLe32(d, p + 80, sectors);
        putBe32(d, p + 84, sectors);
        d[p + 128] = 0x00;
        d[p + 129] = 0x08;
        d[p + 130] = 0x08;
        d[p + 131] = 0x00;
        int t = 17 * 2048;
        d[t] = (byte) 255;
        put(d, t + 1, "CD001");
        d[t + 6] = 1;
        return d;
    }

    /** A QED header (qemu's layout) for a disk of {@code virtualSize} bytes. */
    public static byte[] qed(long virtualSize) {
        byte[] d = new byte[4096];
        put(d, 0, "QED\0");
        putLe32(d, 4, 65536);
        putLe32(d, 8, 4);
        putLe32(d, 12, 1);
        putLe64(d, 40, 65536);
        putLe64(d, 48, virtualSize);
        return d;
    }

    /**
     * A VDI like qemu writes it: header, block map at 512, data at 1024, 1 MiB blocks.
     *
     * @param staticImage every block allocated in order
     * @param map         block map entries (dynamic images); ignored for static ones
     */
    public static byte[] vdi(boolean staticImage, int blocks, long[] map) {
        int blockSize = 1 << 20;
        int allocated = 0;
        long[] entries = new long[blocks];
        for (int i = 0; i < blocks; i++) {
            entries[i] = staticImage ? i : map[i];
            if (entries[i] < 0xFFFFFFFEL) {
                allocated = (int) Math.max(allocated, entries[i] + 1);
            }
        }
        byte[] d = new byte[1024 + allocated * blockSize];
        put(d, 0, "<<< QEMU VM Virtual Disk Image >>>\n");
        putLe32(d, 0x40, 0xBEDA107FL);
        putLe32(d, 0x44, 0x00010001);
        putLe32(d, 0x48, 0x180);
        putLe32(d, 0x4C, staticImage ? 2 : 1);
        putLe32(d, 0x154, 512);
        putLe32(d, 0x158, 1024);
        putLe32(d, 0x168, 512);
        putLe64(d, 0x170, (long) blocks * blockSize);
        putLe32(d, 0x178, blockSize);
        putLe32(d, 0x180, blocks);
        putLe32(d, 0x184, allocated);
        d[0x188] = 1;
        for (int i = 0; i < blocks; i++) {
            putLe32(d, 512 + 4 * i, entries[i]);
        }
        return d;
    }
}
