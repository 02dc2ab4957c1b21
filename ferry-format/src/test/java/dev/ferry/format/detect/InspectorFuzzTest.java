package dev.ferry.format.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Any byte string, with any claim, gives an Inspection (accepted or a typed rejection), never an
 * exception. Runs the seeds under InspectorFuzzTestInputs in plain {@code mvn test};
 * {@code JAZZER_FUZZ=1} fuzzes (see ferry-format/README.md). The facade runs in strict mode so that
 * an inspector's runtime exception fails the test instead of becoming a rejection.
 */
class InspectorFuzzTest {
    private static final Inspector STRICT = new Inspector(FormatRegistry.standard(), true);
    private static final Limits SMALL = new Limits(16L << 20, 16L << 20);

    /** Byte 0 selects the claim (0: none, else a format); the rest is the image. */
    @FuzzTest(maxDuration = "60s")
    void anyBytesGiveAnInspection(byte[] data) throws IOException {
        if (data.length == 0) {
            return;
        }
        int sel = (data[0] & 0xFF) % (DiskFormat.values().length + 1);
        Optional<DiskFormat> claim = sel == 0 ? Optional.empty() : Optional.of(DiskFormat.values()[sel - 1]);
        byte[] image = Arrays.copyOfRange(data, 1, data.length);
        for (Limits limits : new Limits[] {SMALL, Limits.NONE}) {
            Inspection i = STRICT.inspect(new ByteArrayReadSource(image), claim, limits);
            assertThat(i).isNotNull();
            assertThat(i.fileSize()).isEqualTo(image.length);
            if (claim.isPresent() && claim.get() == DiskFormat.VHD) {
                assertThat(i.format()).isEqualTo(DiskFormat.VHD);
                assertThat(i.accepted() || i.rejection().code().matches("\\d{3}")).as("%s", i).isTrue();
            } else if (claim.isPresent() && !i.accepted()) {
                assertThat(i.format()).as("a rejection is reported as the claimed format: %s", i).isEqualTo(claim.get());
            }
            if (i.accepted() && i.format() != DiskFormat.VHD) {
                assertThat(i.virtualSize()).isBetween(0L, limits.maxVirtualSize());
            }
        }
    }
}
