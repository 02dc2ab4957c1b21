package dev.ferry.format.vhd;

import dev.ferry.format.VhdCode;
import dev.ferry.format.convert.Extent;
import dev.ferry.format.convert.ExtentCursor;
import dev.ferry.format.convert.FormatException;
import dev.ferry.format.convert.VirtualDisk;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A fixed or dynamic VHD as a virtual disk of the footer's {@code current_size} bytes (the size
 * the spec, Hyper-V and XenServer use). Fixed: the bytes before the footer. Dynamic: each block the
 * BAT allocates is data (the sector bitmap is ignored, as qemu does: honest writers leave unused
 * sectors zero), the rest reads as zeros. Every BAT entry followed is checked to lie after the BAT
 * and before the trailing footer.
 */
public final class VhdReader implements VirtualDisk {
    private final ReadSource source;
    private final long size;
    private final BlockAllocationTable bat;
    private final long blockSize;
    private final long bitmapSize;
    private final long dataEnd;
    private final long firstBlockByte;

    private VhdReader(ReadSource source, long size, BlockAllocationTable bat, long blockSize, long bitmapSize,
                      long dataEnd, long firstBlockByte) {
        this.source = source;
        this.size = size;
        this.bat = bat;
        this.blockSize = blockSize;
        this.bitmapSize = bitmapSize;
        this.dataEnd = dataEnd;
        this.firstBlockByte = firstBlockByte;
    }

    public static VhdReader open(ReadSource source) throws IOException {
        Objects.requireNonNull(source, "source");
        long fileSize = source.size();
        check(fileSize >= Footer.SIZE, "file shorter than a footer");
        byte[] fb = source.readFully(fileSize - Footer.SIZE, Footer.SIZE);
        check(Footer.hasCookie(fb, 0) && Footer.isChecksumValid(fb, 0), "no valid footer at the end of the file");
        Footer f = Footer.parse(fb, 0);
        long size = f.currentSize();
        long dataEnd = fileSize - Footer.SIZE;
        check(size >= 0 && size <= VhdWriter.MAX_SIZE, "current size " + Long.toUnsignedString(size) + " out of range");
        if (f.diskType() == DiskType.FIXED) {
            check(size <= dataEnd, "fixed disk of " + size + " bytes in a file of " + fileSize);
            return new VhdReader(source, size, null, 0, 0, dataEnd, 0);
        }
        check(f.diskType() == DiskType.DYNAMIC, "disk type " + f.diskTypeCode() + " is neither fixed nor dynamic");
        long ho = f.dataOffset();
        check(ho >= Footer.SIZE && ho % 512 == 0 && ho <= dataEnd - DynamicDiskHeader.SIZE, "dynamic header offset " + ho);
        byte[] hb = source.readFully(ho, DynamicDiskHeader.SIZE);
        check(DynamicDiskHeader.hasCookie(hb, 0), "no dynamic disk header");
        DynamicDiskHeader h = DynamicDiskHeader.parse(hb, 0);
        check(!h.referencesParent(), "the disk references a parent");
        long bs = h.blockSize();
        check(bs >= 512 && bs <= (256L << 20) && Long.bitCount(bs) == 1, "block size " + bs);
        long entries = h.maxTableEntries();
        check(entries >= (size + bs - 1) / bs && entries <= BlockAllocationTable.MAX_ENTRIES, "BAT of " + entries + " entries");
        long to = h.tableOffset();
        long batBytes = ((size + bs - 1) / bs) * 4;
        // to is a 64-bit field: compared without computing to + batBytes, which could wrap.
        check(to >= Footer.SIZE && to % 512 == 0 && to <= dataEnd - batBytes, "BAT at " + to + " outside the file");
        long batEnd = to + batBytes;
        BlockAllocationTable bat = BlockAllocationTable.read(source, to, (int) ((size + bs - 1) / bs));
        // Blocks live after the header and the whole (padded) BAT, before the trailing footer.
        long first = Math.max(Math.max(to + h.tableSize(), batEnd), ho + DynamicDiskHeader.SIZE);
        return new VhdReader(source, size, bat, bs, h.sectorBitmapSize(), dataEnd, first);
    }

    private static void check(boolean ok, String message) throws FormatException {
        FormatException.check(ok, VhdCode.UNSPECIFIED.code(), message);
    }

    @Override
    public long size() {
        return size;
    }

    /** File offset of block {@code b}'s data, or -1 when unallocated; checked against the file. */
    private long blockData(int b) throws FormatException {
        if (!bat.isAllocated(b)) {
            return -1;
        }
        long at = bat.bitmapOffset(b);
        check(at >= firstBlockByte && at + bitmapSize + Math.min(blockSize, size - (long) b * blockSize) <= dataEnd,
                "BAT[" + b + "] points at " + at + ", outside the data area");
        return at + bitmapSize;
    }

    @Override
    public ExtentCursor extents() {
        if (bat == null) {
            boolean[] given = {size == 0};
            return () -> {
                if (given[0]) {
                    return null;
                }
                given[0] = true;
                return new Extent(0, size, Extent.Kind.DATA);
            };
        }
        return new ExtentCursor() {
            private int b;

            @Override
            public Extent next() throws FormatException {
                int n = bat.size();
                while (b < n && blockData(b) < 0) {
                    b++;
                }
                if (b >= n) {
                    return null;
                }
                int start = b;
                while (b < n && blockData(b) >= 0) {
                    b++;
                }
                long from = start * blockSize;
                return new Extent(from, Math.min(size, b * blockSize) - from, Extent.Kind.DATA);
            }
        };
    }

    @Override
    public void read(long position, byte[] buf, int off, int len) throws IOException {
        if (off < 0 || len < 0 || off + len > buf.length) {
            throw new IllegalArgumentException("bad buffer range");
        }
        read(position, ByteBuffer.wrap(buf, off, len));
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        int len = dst.remaining();
        if (position < 0 || position + len > size) {
            throw new IllegalArgumentException("read of " + len + " at " + position + " outside a disk of " + size);
        }
        if (bat == null) {
            source.readFully(position, dst);
            return;
        }
        int base = dst.position();
        int done = 0;
        while (done < len) {
            long pos = position + done;
            int b = (int) (pos / blockSize);
            int n = (int) Math.min(blockSize - pos % blockSize, len - done);
            long data = blockData(b);
            if (data < 0) {
                for (int z = 0; z < n; ) {
                    int k = Math.min(ZEROS.length, n - z);
                    dst.put(base + done + z, ZEROS, 0, k);
                    z += k;
                }
            } else {
                source.readFully(data + pos % blockSize, dst.slice(base + done, n));
            }
            done += n;
        }
        dst.position(base + len);
    }

    private static final byte[] ZEROS = new byte[64 * 1024];
}
