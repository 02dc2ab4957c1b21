package dev.ferry.format.vhdx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.convert.Converter;
import dev.ferry.format.convert.Extent;
import dev.ferry.format.convert.ExtentCursor;
import dev.ferry.format.convert.FormatException;
import dev.ferry.format.convert.VirtualDisk;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link VhdxReader} on VHDX files built in code: present, zero and absent blocks; a hostile BAT. */
class VhdxReaderTest {
    private static final int MIB = 1 << 20;

    /** 4 MiB disk, 1 MiB blocks: block 0 present (0x11), block 1 absent, block 2 ZERO, block 3 present (0x33). */
    private static byte[] image() {
        VhdxImage v = new VhdxImage();
        v.allocated = List.of(0, 3);
        byte[] img = v.build();
        Arrays.fill(img, VhdxImage.DATA_AT, VhdxImage.DATA_AT + MIB, (byte) 0x11);
        Arrays.fill(img, VhdxImage.DATA_AT + MIB, VhdxImage.DATA_AT + 2 * MIB, (byte) 0x33);
        VhdxImage.setBat(img, v.batIndex(2), BatEntry.PAYLOAD_ZERO);
        return img;
    }

    @Test
    void readsPresentBlocksAndZerosElsewhere() throws IOException {
        byte[] img = image();
        ByteArrayReadSource src = new ByteArrayReadSource(img);
        Inspection i = Inspector.standard().inspect(src, Optional.of(DiskFormat.VHDX), Limits.NONE);
        assertTrue(i.accepted(), () -> i.toString());
        try (VirtualDisk d = Converter.open(src, i)) {
            byte[] expected = new byte[4 * MIB];
            Arrays.fill(expected, 0, MIB, (byte) 0x11);
            Arrays.fill(expected, 3 * MIB, 4 * MIB, (byte) 0x33);
            byte[] got = new byte[4 * MIB];
            d.read(0, got, 0, got.length);
            assertArrayEquals(expected, got);
            ByteBuffer direct = ByteBuffer.allocateDirect(2 * MIB);
            d.read(2 * MIB, direct);
            byte[] tail = new byte[2 * MIB];
            direct.flip().get(tail);
            assertArrayEquals(Arrays.copyOfRange(expected, 2 * MIB, 4 * MIB), tail);
            ExtentCursor c = d.extents();
            assertEquals(new Extent(0, MIB, Extent.Kind.DATA), c.next());
            assertEquals(new Extent(2 * MIB, MIB, Extent.Kind.ZERO), c.next());
            assertEquals(new Extent(3 * MIB, MIB, Extent.Kind.DATA), c.next());
            assertNull(c.next());
        }
    }

    @Test
    void blockPastTheEndOfTheFileIsRefusedByTheReader() throws IOException {
        byte[] img = image();
        VhdxImage v = new VhdxImage();
        VhdxImage.setBat(img, v.batIndex(1), (512L << 20) | BatEntry.PAYLOAD_FULLY_PRESENT);
        try (VhdxReader r = VhdxReader.open(new ByteArrayReadSource(img))) {
            byte[] b = new byte[4096];
            assertThrows(FormatException.class, () -> r.read(MIB, b, 0, b.length));
        }
    }
}
