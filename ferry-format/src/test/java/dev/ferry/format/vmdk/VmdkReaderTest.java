package dev.ferry.format.vmdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.convert.Converter;
import dev.ferry.format.convert.FormatException;
import dev.ferry.format.convert.Sink;
import dev.ferry.format.convert.VirtualDisk;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streamOptimized writer's stream layout, read back; a hostile grain table entry and marker. */
class VmdkReaderTest {
    @TempDir
    Path dir;

    private byte[] stream(byte[] content) throws IOException {
        Path p = dir.resolve("x.vmdk");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
             StreamOptimizedWriter w = new StreamOptimizedWriter(new Sink(ch), content.length, 42)) {
            w.write(0, content, 0, content.length);
            w.finish();
        }
        return Files.readAllBytes(p);
    }

    private static byte[] content() {
        byte[] c = new byte[3 << 20];
        new Random(3).nextBytes(c);
        return c;
    }

    /** File offset of grain table 0 (through the footer's gdOffset). */
    private static int gt0(byte[] img) {
        ByteBuffer le = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        long gd = le.getLong(img.length - 1024 + 56);
        return (int) (Integer.toUnsignedLong(le.getInt((int) gd * 512)) * 512);
    }

    @Test
    void streamIsAcceptedAndReadsBack() throws IOException {
        byte[] c = content();
        byte[] img = stream(c);
        assertEquals(0, img.length % 512);
        assertEquals(SparseExtentHeader.GD_AT_END, ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN).getLong(56));
        ByteArrayReadSource src = new ByteArrayReadSource(img);
        Inspection i = Inspector.standard().inspect(src, Optional.of(DiskFormat.VMDK), Limits.NONE);
        assertTrue(i.accepted(), () -> i.toString());
        assertEquals("streamOptimized", i.subformat());
        try (VirtualDisk d = Converter.open(src, i)) {
            byte[] got = new byte[c.length];
            d.read(0, got, 0, got.length);
            assertArrayEquals(c, got);
        }
    }

    @Test
    void grainTableEntryPastTheFileIsRefused() throws IOException {
        byte[] img = stream(content());
        ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN).putInt(gt0(img) + 4, 0x7fff_0000);
        try (VmdkReader r = VmdkReader.open(new ByteArrayReadSource(img))) {
            byte[] b = new byte[512];
            assertThrows(FormatException.class, () -> r.read(65536, b, 0, b.length));
        }
    }

    @Test
    void grainMarkerWithAnotherLbaIsRefused() throws IOException {
        byte[] img = stream(content());
        ByteBuffer le = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        int g1 = le.getInt(gt0(img) + 4) * 512;
        le.putLong(g1, 0); // grain 1's marker claims LBA 0
        try (VmdkReader r = VmdkReader.open(new ByteArrayReadSource(img))) {
            byte[] b = new byte[512];
            FormatException e = assertThrows(FormatException.class, () -> r.read(65536, b, 0, b.length));
            assertTrue(e.getMessage().contains("LBA"), e.getMessage());
        }
    }
}
