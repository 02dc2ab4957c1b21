package dev.ferry.format.vdi;

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
import dev.ferry.format.testing.TestImages;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link VdiReader}: the block map places blocks out of order; free and zero entries read as zeros. */
class VdiReaderTest {
    private static final int MIB = 1 << 20;

    @Test
    void blockMapIsFollowed() throws IOException {
        // virtual blocks: 0 -> stored block 1, 1 free, 2 zero, 3 -> stored block 0
        byte[] img = TestImages.vdi(false, 4, new long[] {1, 0xFFFF_FFFFL, 0xFFFF_FFFEL, 0});
        Arrays.fill(img, 1024, 1024 + MIB, (byte) 0x30);
        Arrays.fill(img, 1024 + MIB, 1024 + 2 * MIB, (byte) 0x31);
        ByteArrayReadSource src = new ByteArrayReadSource(img);
        Inspection i = Inspector.standard().inspect(src, Optional.of(DiskFormat.VDI), Limits.NONE);
        assertTrue(i.accepted(), () -> i.toString());
        try (VirtualDisk d = Converter.open(src, i)) {
            byte[] expected = new byte[4 * MIB];
            Arrays.fill(expected, 0, MIB, (byte) 0x31);
            Arrays.fill(expected, 3 * MIB, 4 * MIB, (byte) 0x30);
            byte[] got = new byte[4 * MIB];
            d.read(0, got, 0, got.length);
            assertArrayEquals(expected, got);
            ExtentCursor c = d.extents();
            assertEquals(new Extent(0, MIB, Extent.Kind.DATA), c.next());
            assertEquals(new Extent(2 * MIB, MIB, Extent.Kind.ZERO), c.next());
            assertEquals(new Extent(3 * MIB, MIB, Extent.Kind.DATA), c.next());
            assertNull(c.next());
        }
    }

    @Test
    void entryBeyondTheAllocatedBlocksIsRefusedByTheReader() throws IOException {
        byte[] img = TestImages.vdi(false, 2, new long[] {0, 0xFFFF_FFFFL});
        TestImages.putLe32(img, 512 + 4, 7); // block 1 -> stored block 7 (only 1 allocated)
        try (VdiReader r = VdiReader.open(new ByteArrayReadSource(img))) {
            byte[] b = new byte[512];
            assertThrows(FormatException.class, () -> r.read(MIB, b, 0, b.length));
        }
    }
}
