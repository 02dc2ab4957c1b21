package dev.ferry.format.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.convert.Converter;
import dev.ferry.format.convert.ReaderFuzzing;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The path of an import: any bytes, any claim, inspected by the strict facade; an accepted image is
 * opened with {@link Converter#open} and read whole ({@link ReaderFuzzing}): it reads, with the
 * virtual size the inspection reported, or its reader refuses it with a {@code FormatException}
 * (content inspection does not look at, such as a compressed cluster). The per-reader fuzz tests
 * skip inspection; this one reaches the readers with what inspection lets through. Byte 0 selects
 * the claim as in {@link InspectorFuzzTest}. Seeds: the readers' raw-byte seeds and the
 * inspector's VHD images, each behind a claim byte of 0 (none).
 */
class InspectThenReadFuzzTest {
    private static final Inspector STRICT = new Inspector(FormatRegistry.standard(), true);
    private static final Limits SMALL = new Limits(16L << 20, 16L << 20);

    @FuzzTest(maxDuration = "60s")
    void acceptedImagesRead(byte[] data) throws IOException {
        if (data.length == 0) {
            return;
        }
        int sel = (data[0] & 0xFF) % (DiskFormat.values().length + 1);
        Optional<DiskFormat> claim = sel == 0 ? Optional.empty() : Optional.of(DiskFormat.values()[sel - 1]);
        byte[] image = Arrays.copyOfRange(data, 1, data.length);
        Inspection i = STRICT.inspect(new ByteArrayReadSource(image), claim, SMALL);
        if (!i.accepted()) {
            return;
        }
        long size = ReaderFuzzing.readWhole(src -> Converter.open(src, i), image);
        if (size >= 0) {
            assertThat(size).as("the reader's size against %s", i).isEqualTo(i.virtualSize());
        }
    }

    /** Not vacuous: every seed but one reaches a reader and is read whole. */
    @org.junit.jupiter.api.Test
    void theSeedsAreAcceptedAndRead() throws IOException {
        var seeds = ReaderFuzzing.seeds(getClass(), "acceptedImagesRead");
        for (var e : seeds.entrySet()) {
            byte[] image = Arrays.copyOfRange(e.getValue(), 1, e.getValue().length);
            Inspection i = STRICT.inspect(new ByteArrayReadSource(image), Optional.empty(), SMALL);
            if (e.getKey().equals("qcow2-v3-zero-compressed-ext")) {
                assertThat(i.accepted()).as("%s: a compressed cluster past the end of the file is TRUNCATED", e.getKey()).isFalse();
                continue;
            }
            assertThat(i.accepted()).as("%s: %s", e.getKey(), i).isTrue();
            assertThat(ReaderFuzzing.readWhole(src -> Converter.open(src, i), image)).as(e.getKey()).isEqualTo(i.virtualSize());
        }
    }
}
