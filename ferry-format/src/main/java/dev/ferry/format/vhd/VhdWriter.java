package dev.ferry.format.vhd;

import dev.ferry.format.convert.DiskWriter;
import dev.ferry.format.convert.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * Writes a VHD, fixed (data, then the footer) or dynamic (footer copy, dynamic header, BAT,
 * 2 MiB blocks appended in guest order each behind an all-ones sector bitmap, footer last).
 *
 * <p>Size rule (docs/conversion.md): below the CHS maximum the virtual size is rounded up to the
 * next size the CHS geometry can express exactly (qemu-img's rule), so that {@code current_size}
 * (read by Hyper-V, XenServer and the spec) and C*H*S*512 (read by qemu for most creators) are the
 * same number whichever one a reader believes. Above it the geometry is pinned at 65535/16/255,
 * which makes qemu use {@code current_size} as well. Creator "frry".
 */
public final class VhdWriter implements DiskWriter {
    /** qemu's VHD limit ({@code VHD_MAX_SECTORS}): 2040 GiB. */
    public static final long MAX_SIZE = 0xff000000L * 512;
    public static final String CREATOR = "frry";
    public static final int CREATOR_VERSION = 0x00010000;
    /** "Wi2k". */
    public static final int HOST_OS_WINDOWS = 0x5769326B;
    private static final long BLOCK = DynamicDiskHeader.DEFAULT_BLOCK_SIZE;
    private static final long VHD_EPOCH = 946_684_800L;
    private static final long BAT_OFFSET = Footer.SIZE + DynamicDiskHeader.SIZE;

    private final Sink sink;
    private final boolean dynamic;
    private final long size;
    private final Footer footer;
    private final int[] bat;
    private final long bitmapSize;
    /** Dynamic: sector where the next block's bitmap goes. */
    private long nextSector;
    private long lastWriteEnd;

    private VhdWriter(Sink sink, long virtualSize, boolean dynamic, Clock clock, UUID uuid) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.size = sizeFor(virtualSize);
        this.dynamic = dynamic;
        DiskGeometry g = geometryFor(size);
        long ts = Instant.now(clock).getEpochSecond() - VHD_EPOCH;
        this.footer = new Footer(Footer.FEATURE_RESERVED, Footer.VERSION_1_0, dynamic ? Footer.SIZE : Footer.NO_DATA_OFFSET,
                (int) ts, CREATOR, CREATOR_VERSION, HOST_OS_WINDOWS, size, size, g,
                (dynamic ? DiskType.DYNAMIC : DiskType.FIXED).code(), 0, uuid, 0, 0).withComputedChecksum();
        long entries = (size + BLOCK - 1) / BLOCK;
        this.bat = dynamic ? new int[(int) entries] : new int[0];
        Arrays.fill(bat, BlockAllocationTable.UNUSED);
        this.bitmapSize = DynamicDiskHeader.bitmapSizeFor(BLOCK);
        this.nextSector = (BAT_OFFSET + batBytes()) / 512;
    }

    public static VhdWriter dynamic(Sink sink, long virtualSize) {
        return new VhdWriter(sink, virtualSize, true, Clock.systemUTC(), UUID.randomUUID());
    }

    public static VhdWriter fixed(Sink sink, long virtualSize) {
        return new VhdWriter(sink, virtualSize, false, Clock.systemUTC(), UUID.randomUUID());
    }

    /** For reproducible output: a given clock and unique id. */
    public static VhdWriter create(Sink sink, long virtualSize, boolean dynamic, Clock clock, UUID uuid) {
        return new VhdWriter(sink, virtualSize, dynamic, Objects.requireNonNull(clock), Objects.requireNonNull(uuid));
    }

    /** The virtual size a VHD written for a disk of {@code requested} bytes declares (see class doc). */
    public static long sizeFor(long requested) {
        if (requested < 0 || requested > MAX_SIZE) {
            throw new IllegalArgumentException("VHD virtual size must be 0.." + MAX_SIZE + " bytes, not " + requested);
        }
        long sectors = (requested + 511) / 512;
        if (sectors >= DiskGeometry.MAX_CHS_SECTORS) {
            return sectors * 512;
        }
        return DiskGeometry.qemuRoundedUp(sectors).bytes();
    }

    static DiskGeometry geometryFor(long size) {
        long sectors = size / 512;
        return sectors >= DiskGeometry.MAX_CHS_SECTORS ? DiskGeometry.MAXIMUM : DiskGeometry.qemuRoundedUp(sectors);
    }

    private long batBytes() {
        return ((long) bat.length * 4 + 511) / 512 * 512;
    }

    public Footer footer() {
        return footer;
    }

    @Override
    public long virtualSize() {
        return size;
    }

    @Override
    public void write(long offset, byte[] buf, int off, int len) throws IOException {
        if (offset < lastWriteEnd || offset + len > size || len < 0) {
            throw new IllegalArgumentException("write of " + len + " at " + offset + " out of order or past " + size);
        }
        lastWriteEnd = offset + len;
        if (!dynamic) {
            sink.write(offset, buf, off, len);
            return;
        }
        int done = 0;
        while (done < len) {
            long pos = offset + done;
            int n = (int) Math.min(BLOCK - pos % BLOCK, len - done);
            sink.write(blockData(pos), buf, off + done, n);
            done += n;
        }
    }

    /** Direct buffers go to the sink without a copy, split at block boundaries. */
    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        if (src.hasArray()) {
            DiskWriter.super.write(offset, src);
            return;
        }
        int len = src.remaining();
        if (offset < lastWriteEnd || offset + len > size) {
            throw new IllegalArgumentException("write of " + len + " at " + offset + " out of order or past " + size);
        }
        lastWriteEnd = offset + len;
        if (!dynamic) {
            sink.write(offset, src);
            return;
        }
        int base = src.position();
        int done = 0;
        while (done < len) {
            long pos = offset + done;
            int n = (int) Math.min(BLOCK - pos % BLOCK, len - done);
            sink.write(blockData(pos), src.slice(base + done, n));
            done += n;
        }
        src.position(base + len);
    }

    /** File offset of virtual byte {@code pos}, allocating its block (bitmap first) if needed. */
    private long blockData(long pos) throws IOException {
        int b = (int) (pos / BLOCK);
        if (bat[b] == BlockAllocationTable.UNUSED) {
            bat[b] = (int) nextSector;
            byte[] bitmap = new byte[(int) bitmapSize];
            Arrays.fill(bitmap, (byte) 0xFF);
            sink.write(nextSector * 512, bitmap, 0, bitmap.length);
            nextSector += (bitmapSize + BLOCK) / 512;
        }
        return Integer.toUnsignedLong(bat[b]) * 512 + bitmapSize + pos % BLOCK;
    }

    @Override
    public void finish() throws IOException {
        byte[] f = footer.toBytes();
        if (!dynamic) {
            sink.write(size, f, 0, f.length);
            sink.setLength(size + Footer.SIZE);
            return;
        }
        sink.write(0, f, 0, f.length);
        byte[] h = DynamicDiskHeader.dynamic(BAT_OFFSET, bat.length, BLOCK).toBytes();
        sink.write(Footer.SIZE, h, 0, h.length);
        ByteBuffer t = ByteBuffer.allocate(64 * 1024);
        long at = BAT_OFFSET;
        long end = BAT_OFFSET + batBytes();
        int i = 0;
        while (at < end) {
            t.clear();
            while (t.hasRemaining() && at + t.position() < end) {
                t.putInt(i < bat.length ? bat[i] : BlockAllocationTable.UNUSED);
                i++;
            }
            t.flip();
            int n = t.remaining();
            sink.write(at, t);
            at += n;
        }
        sink.write(nextSector * 512, f, 0, f.length);
        sink.setLength(nextSector * 512 + Footer.SIZE);
    }
}
