package dev.ferry.format.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.FileReadSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: a random sparse disk written in any target format, inspected (must be accepted as
 * that format) and read back by Ferry's reader, then converted to every other format and read
 * back again, gives the same bytes (plus zeros where a format rounds the size up).
 */
class ConversionRoundTripTest {
    @TempDir
    Path dir;

    static Stream<Arguments> disks() {
        // Fixed seeds: a failure names the seed that reproduces it.
        return Stream.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L).map(seed -> {
            Random rnd = new Random(seed);
            int size = switch ((int) (seed % 4)) {
                case 0 -> 512 * (1 + rnd.nextInt(40_000));  // sector multiple
                case 1 -> 1 + rnd.nextInt(9 << 20);          // any size (raw)
                case 2 -> 4 << 20;                           // exactly two VHD blocks
                default -> 1 + rnd.nextInt(64 << 10);        // tiny
            };
            return Arguments.of(seed, size);
        });
    }

    static final List<TargetFormat> WRITTEN = List.of(TargetFormat.RAW, TargetFormat.QCOW2,
            TargetFormat.VHD_DYNAMIC, TargetFormat.VHD_FIXED, TargetFormat.VMDK_STREAM_OPTIMIZED);

    @ParameterizedTest(name = "seed {0}, {1} bytes")
    @MethodSource("disks")
    void everyFormatReadsBackInEveryOther(long seed, int size) throws IOException {
        MemoryDisk src = MemoryDisk.random(new Random(seed), size);
        for (TargetFormat first : WRITTEN) {
            Path a = dir.resolve("a-" + first.name());
            write(src, first, a);
            assertSameContent(src.content(), a, first);
            if (first == TargetFormat.RAW) {
                assertEquals(size, Files.size(a), "raw keeps the exact size");
            }
            for (TargetFormat second : WRITTEN) {
                Path b = dir.resolve("b-" + second.name());
                try (FileReadSource in = FileReadSource.open(a)) {
                    Inspection insp = Inspector.standard().inspect(in, Optional.of(formatOf(first)), Limits.NONE);
                    Converter.convert(in, insp, second, b, ProgressListener.NONE);
                }
                assertSameContent(src.content(), b, second);
            }
        }
    }

    static DiskFormat formatOf(TargetFormat t) {
        return DiskFormat.fromName(t.format()).orElseThrow();
    }

    static void write(VirtualDisk src, TargetFormat t, Path out) throws IOException {
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.READ);
             DiskWriter w = Converter.writer(t, src.size(), ch)) {
            Converter.copy(src, w, ProgressListener.NONE);
        }
    }

    /** Inspects {@code image} (must be accepted as {@code t}'s format) and reads it back whole. */
    static void assertSameContent(byte[] expected, Path image, TargetFormat t) throws IOException {
        try (FileReadSource in = FileReadSource.open(image)) {
            Inspection insp = Inspector.standard().inspect(in, Optional.of(formatOf(t)), Limits.NONE);
            assertTrue(insp.accepted(), () -> t + " output rejected: " + insp);
            assertEquals(formatOf(t), insp.format());
            try (VirtualDisk d = Converter.open(in, insp)) {
                assertTrue(d.size() >= expected.length, () -> t + " output of " + d.size() + " bytes < " + expected.length);
                byte[] got = new byte[(int) d.size()];
                d.read(0, got, 0, got.length);
                assertArrayEquals(expected, Arrays.copyOf(got, expected.length), () -> t + " content differs");
                for (int i = expected.length; i < got.length; i++) {
                    assertEquals(0, got[i], "tail beyond the source size must read as zeros");
                }
                assertExtentsCoverData(d, got);
            }
        }
    }

    /** Every non-zero byte lies inside a DATA extent the reader reports. */
    static void assertExtentsCoverData(VirtualDisk d, byte[] content) throws IOException {
        boolean[] covered = new boolean[content.length];
        ExtentCursor c = d.extents();
        long last = 0;
        for (Extent e = c.next(); e != null; e = c.next()) {
            assertTrue(e.offset() >= last && e.end() <= content.length, "extents ordered and inside the disk");
            last = e.end();
            if (e.kind() == Extent.Kind.DATA) {
                Arrays.fill(covered, (int) e.offset(), (int) e.end(), true);
            }
        }
        for (int i = 0; i < content.length; i++) {
            if (content[i] != 0) {
                assertTrue(covered[i], "non-zero byte at " + i + " outside every DATA extent");
            }
        }
    }
}
