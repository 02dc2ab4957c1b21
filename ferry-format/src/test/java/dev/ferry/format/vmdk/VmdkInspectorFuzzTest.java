package dev.ferry.format.vmdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;

/**
 * Any byte string gives an {@link Inspection}, never another exception. In the default build this
 * replays the seeds under {@code VmdkInspectorFuzzTestInputs/inspect} (small sparse, stream and
 * footer images made with {@link VmdkImageBuilder}, and text descriptors); {@code JAZZER_FUZZ=1} fuzzes.
 */
class VmdkInspectorFuzzTest {
    private static final Limits SMALL = new Limits(1L << 24, 1L << 24);

    @FuzzTest(maxDuration = "60s")
    void inspect(byte[] data) throws IOException {
        VmdkInspector inspector = new VmdkInspector();
        ByteArrayReadSource source = new ByteArrayReadSource(data);
        boolean probed = inspector.probe(source);
        for (Limits limits : new Limits[] {Limits.NONE, SMALL}) {
            Inspection in = inspector.inspect(source, limits);
            assertThat(in.format()).isEqualTo(DiskFormat.VMDK);
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
