package dev.ferry.format.vdi;

import dev.ferry.format.Reason;
import dev.ferry.format.convert.Extent;
import dev.ferry.format.convert.ExtentCursor;
import dev.ferry.format.convert.FormatException;
import dev.ferry.format.convert.VirtualDisk;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dynamic or static VDI as a virtual disk: block map entry {@code e} places block data at
 * {@code dataOffset + e * (blockSize + blockExtra) + blockExtra}; {@link VdiHeader#BLOCK_FREE} is
 * unallocated and {@link VdiHeader#BLOCK_ZERO} reads as zeros. Only for images
 * {@link VdiInspector} accepted; each entry followed is still checked to lie inside the file.
 */
public final class VdiReader implements VirtualDisk {
    /** Block map entries held in memory at most (4 MiB). */
    public static final long MAX_BLOCKS = 1L << 20;

    private final ReadSource source;
    private final long fileSize;
    private final VdiHeader h;
    private final long bs;
    private final int[] map;

    private VdiReader(ReadSource source, long fileSize, VdiHeader h, int[] map) {
        this.source = source;
        this.fileSize = fileSize;
        this.h = h;
        this.bs = h.blockSize();
        this.map = map;
    }

    public static VdiReader open(ReadSource source) throws IOException {
        Objects.requireNonNull(source, "source");
        long fileSize = source.size();
        check(fileSize >= VdiHeader.LENGTH, "file shorter than a VDI header");
        VdiHeader h = VdiHeader.parse(source.readFully(0, VdiHeader.LENGTH));
        check(h.signature() == VdiHeader.SIGNATURE, "no VDI signature");
        check(h.imageType() == VdiHeader.TYPE_DYNAMIC || h.imageType() == VdiHeader.TYPE_STATIC, "image type " + h.imageType());
        check(h.parentUuidZero(), "the image has a parent");
        long bs = h.blockSize();
        check(bs >= 512 && bs <= (256L << 20) && Long.bitCount(bs) == 1 && h.blockExtra() % 512 == 0 && h.blockExtra() <= bs,
                "block size " + bs + " / extra " + h.blockExtra());
        // diskSize is a 64-bit field: checked before it is rounded up to blocks, which could wrap.
        check(h.diskSize() >= 0 && h.diskSize() <= MAX_BLOCKS * bs, "disk of " + h.diskSize() + " bytes");
        long blocks = (h.diskSize() + bs - 1) / bs;
        check(blocks <= h.blocksInImage() && blocks <= MAX_BLOCKS, "disk of " + h.diskSize() + " bytes in "
                + h.blocksInImage() + " blocks");
        check(h.blockMapOffset() >= VdiHeader.LENGTH && h.blockMapOffset() + 4 * blocks <= fileSize, "block map outside the file");
        int[] map = new int[(int) blocks];
        byte[] b = new byte[(int) Math.min(4 * blocks, 1 << 20)];
        for (int done = 0; done < blocks; ) {
            int n = (int) Math.min(b.length / 4, blocks - done);
            source.readFully(h.blockMapOffset() + done * 4L, b, 0, n * 4);
            ByteBuffer.wrap(b, 0, n * 4).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(map, done, n);
            done += n;
        }
        return new VdiReader(source, fileSize, h, map);
    }

    private static void check(boolean ok, String message) throws FormatException {
        FormatException.check(ok, Reason.BAD_HEADER, message);
    }

    @Override
    public long size() {
        return h.diskSize();
    }

    private Extent.Kind kindOf(int b) {
        long e = Integer.toUnsignedLong(map[b]);
        return e == VdiHeader.BLOCK_FREE ? null : e == VdiHeader.BLOCK_ZERO ? Extent.Kind.ZERO : Extent.Kind.DATA;
    }

    /** File offset of block {@code b}'s data, checked to lie inside the file. */
    private long blockData(int b) throws FormatException {
        long e = Integer.toUnsignedLong(map[b]);
        long at = h.dataOffset() + e * (bs + h.blockExtra()) + h.blockExtra();
        long n = Math.min(bs, size() - b * bs);
        check(e < h.blocksAllocated() && at >= h.dataOffset() && at + n <= fileSize, "block map entry " + b + " = " + e
                + " points outside the file");
        return at;
    }

    @Override
    public ExtentCursor extents() {
        return new ExtentCursor() {
            private int b;

            @Override
            public Extent next() throws FormatException {
                while (b < map.length && kindOf(b) == null) {
                    b++;
                }
                if (b >= map.length) {
                    return null;
                }
                Extent.Kind kind = kindOf(b);
                int start = b;
                while (b < map.length && kindOf(b) == kind) {
                    if (kind == Extent.Kind.DATA) {
                        blockData(b);
                    }
                    b++;
                }
                long from = start * bs;
                return new Extent(from, Math.min(size(), b * bs) - from, kind);
            }
        };
    }

    @Override
    public void read(long position, byte[] buf, int off, int len) throws IOException {
        if (position < 0 || len < 0 || position + len > size() || off < 0 || off + len > buf.length) {
            throw new IllegalArgumentException("read of " + len + " at " + position + " outside a disk of " + size());
        }
        int done = 0;
        while (done < len) {
            long pos = position + done;
            int b = (int) (pos / bs);
            int n = (int) Math.min(bs - pos % bs, len - done);
            if (kindOf(b) == Extent.Kind.DATA) {
                source.readFully(blockData(b) + pos % bs, buf, off + done, n);
            } else {
                Arrays.fill(buf, off + done, off + done + n, (byte) 0);
            }
            done += n;
        }
    }
}
