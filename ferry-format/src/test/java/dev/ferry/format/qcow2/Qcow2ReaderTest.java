package dev.ferry.format.qcow2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.convert.Converter;
import dev.ferry.format.convert.Extent;
import dev.ferry.format.convert.ExtentCursor;
import dev.ferry.format.convert.FormatException;
import dev.ferry.format.convert.Sink;
import dev.ferry.format.convert.VirtualDisk;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Qcow2Reader} on images written by {@link Qcow2Writer} and then edited the way qemu lays
 * out compressed and zero clusters, plus hostile entries the reader must refuse by itself.
 */
class Qcow2ReaderTest {
    static final int CLUSTER = 65536;

    @TempDir
    Path dir;

    /** Four clusters of random data: a qcow2 v3 image from Ferry's writer. */
    private byte[] image(byte[] content) throws IOException {
        Path p = dir.resolve("x.qcow2");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            Qcow2Writer w = new Qcow2Writer(new Sink(ch), content.length);
            w.write(0, content, 0, content.length);
            w.finish();
        }
        return Files.readAllBytes(p);
    }

    private static byte[] content() {
        byte[] c = new byte[4 * CLUSTER];
        new Random(7).nextBytes(c);
        // cluster 2 compresses well (text-like), so qemu would store it compressed
        for (int i = 2 * CLUSTER; i < 3 * CLUSTER; i++) {
            c[i] = (byte) ('a' + i % 13);
        }
        return c;
    }

    /** File offset of the L2 entry of guest cluster {@code c} (first L2 table). */
    private static int l2EntryOffset(byte[] img, int c) {
        ByteBuffer b = ByteBuffer.wrap(img);
        long l1 = b.getLong(40);
        long l2 = b.getLong((int) l1) & L1Entry.OFFSET_MASK;
        return (int) (l2 + 8L * c);
    }

    /** Appends {@code data} at the end (not sector aligned) and points cluster {@code c} at it as compressed. */
    private static byte[] withCompressedCluster(byte[] img, int c, byte[] data, int misalign) {
        int host = img.length + misalign;
        byte[] out = Arrays.copyOf(img, host + data.length + 512);
        System.arraycopy(data, 0, out, host, data.length);
        int x = 62 - (16 - 8);
        long sectors = (host + data.length - 1) / 512 - host / 512;
        long entry = L2Entry.COMPRESSED | sectors << x | host;
        ByteBuffer.wrap(out).putLong(l2EntryOffset(out, c), entry);
        return out;
    }

    private static byte[] rawDeflate(byte[] b, int off, int len) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(b, off, len);
        d.finish();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            o.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return o.toByteArray();
    }

    private static VirtualDisk openAccepted(byte[] img) throws IOException {
        ByteArrayReadSource src = new ByteArrayReadSource(img);
        Inspection i = Inspector.standard().inspect(src, Optional.of(DiskFormat.QCOW2), Limits.NONE);
        assertTrue(i.accepted(), () -> "inspection: " + i);
        return Converter.open(src, i);
    }

    private static byte[] readAll(VirtualDisk d) throws IOException {
        byte[] b = new byte[(int) d.size()];
        d.read(0, b, 0, b.length);
        return b;
    }

    @Test
    void writerOutputReadsBackWithOneDataExtent() throws IOException {
        byte[] c = content();
        try (VirtualDisk d = openAccepted(image(c))) {
            assertArrayEquals(c, readAll(d));
            ExtentCursor cur = d.extents();
            assertEquals(new Extent(0, c.length, Extent.Kind.DATA), cur.next());
            assertNull(cur.next());
        }
    }

    @Test
    void zlibCompressedClusterInflatesFromAnUnalignedOffset() throws IOException {
        byte[] c = content();
        byte[] img = withCompressedCluster(image(c), 2, rawDeflate(c, 2 * CLUSTER, CLUSTER), 197);
        try (VirtualDisk d = openAccepted(img)) {
            assertArrayEquals(c, readAll(d));
        }
    }

    @Test
    void zstdCompressedClusterIsTrimmedToItsFrame() throws IOException {
        byte[] c = content();
        byte[] frame = Zstd.compress(Arrays.copyOfRange(c, 2 * CLUSTER, 3 * CLUSTER));
        // qemu pads the slot: garbage after the frame must be ignored
        byte[] padded = Arrays.copyOf(frame, frame.length + 300);
        Arrays.fill(padded, frame.length, padded.length, (byte) 0x5a);
        byte[] img = withCompressedCluster(image(c), 2, padded, 0);
        ByteBuffer h = ByteBuffer.wrap(img);
        h.putLong(72, h.getLong(72) | IncompatibleFeature.COMPRESSION_TYPE.mask());
        h.putInt(100, 112);
        img[104] = 1;
        try (VirtualDisk d = openAccepted(img)) {
            assertArrayEquals(c, readAll(d));
        }
    }

    @Test
    void zeroFlagReadsAsZerosAndIsAZeroExtent() throws IOException {
        byte[] c = content();
        byte[] img = image(c);
        int e = l2EntryOffset(img, 1);
        ByteBuffer.wrap(img).putLong(e, ByteBuffer.wrap(img).getLong(e) | L2Entry.ZERO);
        Arrays.fill(c, CLUSTER, 2 * CLUSTER, (byte) 0);
        try (VirtualDisk d = openAccepted(img)) {
            assertArrayEquals(c, readAll(d));
            ExtentCursor cur = d.extents();
            assertEquals(new Extent(0, CLUSTER, Extent.Kind.DATA), cur.next());
            assertEquals(new Extent(CLUSTER, CLUSTER, Extent.Kind.ZERO), cur.next());
            assertEquals(new Extent(2 * CLUSTER, 2 * CLUSTER, Extent.Kind.DATA), cur.next());
        }
    }

    @Test
    void entryPointingPastTheFileIsRefusedByTheReaderItself() throws IOException {
        byte[] img = image(content());
        ByteBuffer.wrap(img).putLong(l2EntryOffset(img, 3), L2Entry.COPIED | (1L << 40));
        try (Qcow2Reader r = Qcow2Reader.open(new ByteArrayReadSource(img))) {
            byte[] b = new byte[CLUSTER];
            FormatException e = assertThrows(FormatException.class, () -> r.read(3L * CLUSTER, b, 0, b.length));
            assertTrue(e.getMessage().contains("outside the file"), e.getMessage());
        }
    }

    @Test
    void compressedClusterThatDoesNotInflateToAClusterIsRefused() throws IOException {
        byte[] c = content();
        byte[] img = withCompressedCluster(image(c), 2, rawDeflate(c, 2 * CLUSTER, CLUSTER / 2), 0);
        try (Qcow2Reader r = Qcow2Reader.open(new ByteArrayReadSource(img))) {
            byte[] b = new byte[CLUSTER];
            assertThrows(FormatException.class, () -> r.read(2L * CLUSTER, b, 0, b.length));
        }
    }

    /** Found by Qcow2ReaderFuzzTest: zstd-jni throws ZstdException (a runtime exception) on a bad frame. */
    @Test
    void zstdClusterThatIsNoFrameIsRefusedWithAFormatException() throws IOException {
        byte[] c = content();
        byte[] garbage = new byte[700];
        Arrays.fill(garbage, (byte) 0x5a);
        byte[] img = withCompressedCluster(image(c), 2, garbage, 0);
        ByteBuffer h = ByteBuffer.wrap(img);
        h.putLong(72, h.getLong(72) | IncompatibleFeature.COMPRESSION_TYPE.mask());
        h.putInt(100, 112);
        img[104] = 1;
        try (VirtualDisk d = openAccepted(img)) {
            byte[] b = new byte[CLUSTER];
            FormatException e = assertThrows(FormatException.class, () -> d.read(2L * CLUSTER, b, 0, b.length));
            assertTrue(e.getMessage().contains("zstd"), e.getMessage());
        }
    }
}
