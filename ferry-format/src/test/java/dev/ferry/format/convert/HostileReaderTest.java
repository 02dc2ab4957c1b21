package dev.ferry.format.convert;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mutated images (bytes flipped in the metadata Ferry's writers produced): whatever inspection
 * accepts must convert, or fail with an {@link IOException} (a {@link FormatException} for bad
 * content) — never a runtime exception, a hang or an allocation driven by a hostile value.
 */
class HostileReaderTest {
    @TempDir
    Path dir;

    static Stream<TargetFormat> formats() {
        return Stream.of(TargetFormat.QCOW2, TargetFormat.VHD_DYNAMIC, TargetFormat.VHD_FIXED, TargetFormat.VMDK_STREAM_OPTIMIZED);
    }

    @ParameterizedTest
    @MethodSource("formats")
    void mutatedMetadataNeverEscapesAsARuntimeException(TargetFormat t) throws IOException {
        Random rnd = new Random(t.ordinal() * 31L + 5);
        MemoryDisk src = MemoryDisk.random(new Random(11), 5 << 20);
        Path p = dir.resolve("base");
        ConversionRoundTripTest.write(src, t, p);
        byte[] base = Files.readAllBytes(p);
        // Metadata lives in the first and last 64 KiB for these layouts (plus qcow2's tables at the end).
        int head = Math.min(base.length, 64 * 1024);
        int accepted = 0;
        for (int i = 0; i < 300; i++) {
            byte[] img = base.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                int at = rnd.nextBoolean() ? rnd.nextInt(head) : base.length - 1 - rnd.nextInt(head);
                img[at] = (byte) (rnd.nextBoolean() ? rnd.nextInt(256) : img[at] ^ (1 << rnd.nextInt(8)));
            }
            ByteArrayReadSource in = new ByteArrayReadSource(img);
            Inspection insp = Inspector.standard().inspect(in, Optional.empty(), new Limits(1L << 40, 1L << 40));
            if (!insp.accepted()) {
                continue;
            }
            accepted++;
            Path out = dir.resolve("out");
            try {
                Converter.convert(in, insp, TargetFormat.RAW, out, ProgressListener.NONE);
            } catch (IOException expected) {
                // refused by a reader: fine
            } catch (RuntimeException e) {
                fail("mutation " + i + " of " + t + " (accepted as " + insp.format() + "): " + e, e);
            }
            Files.deleteIfExists(out);
        }
        // Not vacuous: some mutations (timestamps, ids, unused fields, data) must get through to a reader.
        assertTrue(accepted > 10, "only " + accepted + " mutated images were accepted");
    }

}
