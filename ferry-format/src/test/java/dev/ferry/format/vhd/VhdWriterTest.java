package dev.ferry.format.vhd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.convert.FormatException;
import dev.ferry.format.convert.Sink;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VHD writer's size/geometry rule and layout, and the reader's own bounds checks. */
class VhdWriterTest {
    @TempDir
    Path dir;

    private byte[] write(long size, boolean dynamic, long dataAt, byte[] data) throws IOException {
        Path p = dir.resolve("x.vhd");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            VhdWriter w = VhdWriter.create(new Sink(ch), size, dynamic,
                    Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), new UUID(1, 2));
            if (data.length > 0) {
                w.write(dataAt, data, 0, data.length);
            }
            w.finish();
        }
        return Files.readAllBytes(p);
    }

    @Test
    void sizeIsRoundedUpToAnExactChsSizeSoEveryReaderAgrees() {
        // qemu-img's figures (formats.md 1.3): 1 000 000 -> 1 009 664 (29/4/17), 2 GiB -> 2 147 991 552
        assertEquals(1_009_664, VhdWriter.sizeFor(1_000_000));
        assertEquals(2_147_991_552L, VhdWriter.sizeFor(2L << 30));
        assertEquals(10_514_432, VhdWriter.sizeFor(10L << 20));
        long big = 200L << 30; // above the CHS maximum: exact size, pinned geometry
        assertEquals(big, VhdWriter.sizeFor(big));
        assertEquals(DiskGeometry.MAXIMUM, VhdWriter.geometryFor(big));
        assertThrows(IllegalArgumentException.class, () -> VhdWriter.sizeFor(VhdWriter.MAX_SIZE + 1));
    }

    @Test
    void dynamicDiskFooterMakesQemuHyperVAndXenReadTheSameSize() throws IOException {
        byte[] img = write(1_000_000, true, 4096, new byte[] {1, 2, 3});
        Footer f = Footer.parse(img, img.length - 512);
        assertEquals(1_009_664, f.currentSize());
        assertEquals(f.currentSize(), f.originalSize());
        assertEquals(f.currentSize(), f.qemuVirtualSize(), "C*H*S*512 == current_size");
        assertEquals("frry", f.creatorApplication());
        assertArrayEquals(java.util.Arrays.copyOf(img, 512), java.util.Arrays.copyOfRange(img, img.length - 512, img.length),
                "footer copy at 0 equals the trailing footer");
        Inspection i = Inspector.standard().inspect(new ByteArrayReadSource(img), Optional.of(DiskFormat.VHD), Limits.RACKSPACE);
        assertTrue(i.accepted(), () -> i.toString());
        // one 2 MiB block allocated: footer + header + BAT(512) + bitmap + block + footer
        assertEquals(512 + 1024 + 512 + 512 + (2 << 20) + 512, img.length);
    }

    @Test
    void fixedDiskIsDataThenFooter() throws IOException {
        byte[] img = write(1_000_000, false, 0, new byte[] {9});
        assertEquals(1_009_664 + 512, img.length);
        assertEquals(9, img[0]);
        Footer f = Footer.parse(img, img.length - 512);
        assertEquals(DiskType.FIXED, f.diskType());
        assertEquals(Footer.NO_DATA_OFFSET, f.dataOffset());
        Inspection i = Inspector.standard().inspect(new ByteArrayReadSource(img), Optional.of(DiskFormat.VHD), Limits.RACKSPACE);
        assertTrue(i.accepted(), () -> i.toString());
    }

    @Test
    void readerRefusesABatEntryPastTheEndOfTheFile() throws IOException {
        byte[] img = write(8L << 20, true, 0, new byte[] {1});
        ByteBuffer.wrap(img).putInt(1536 + 4, 0x100000); // BAT[1] -> 512 MiB
        try (VhdReader r = VhdReader.open(new ByteArrayReadSource(img))) {
            byte[] b = new byte[4096];
            FormatException e = assertThrows(FormatException.class, () -> r.read(2L << 20, b, 0, b.length));
            assertEquals("111", e.finding().code());
            assertThrows(FormatException.class, () -> {
                var c = r.extents();
                while (c.next() != null) {
                    // walk
                }
            });
        }
    }
}
