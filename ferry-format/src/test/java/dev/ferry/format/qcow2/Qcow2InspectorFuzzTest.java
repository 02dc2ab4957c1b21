package dev.ferry.format.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;

/**
 * Any byte string gives an {@link Inspection}, never another exception. In the default build this
 * replays the seeds under {@code Qcow2InspectorFuzzTestInputs/inspect} (small images made with
 * {@link Qcow2ImageBuilder} at cluster_bits 9); {@code JAZZER_FUZZ=1} fuzzes.
 */
class Qcow2InspectorFuzzTest {
    private static final Limits SMALL = new Limits(1L << 24, 1L << 24);

    @FuzzTest(maxDuration = "60s")
    void inspect(byte[] data) throws IOException {
        Qcow2Inspector inspector = new Qcow2Inspector();
        ByteArrayReadSource source = new ByteArrayReadSource(data);
        boolean probed = inspector.probe(source);
        for (Limits limits : new Limits[] {Limits.NONE, SMALL}) {
            Inspection in = inspector.inspect(source, limits);
            assertThat(in.format()).isEqualTo(DiskFormat.QCOW2);
            assertThat(in.fileSize()).isEqualTo(data.length);
            if (in.accepted()) {
                assertThat(probed).isTrue();
                assertThat(in.virtualSize()).isEqualTo(in.qemuVirtualSize());
            } else {
                assertThat(in.rejection().message()).startsWith(in.rejection().code() + ": ");
            }
        }
    }
}
