package dev.ferry.format.vmdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
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

    /** Valid images built in code, mutated by the fuzzer: reaches the grain walk far more often than raw bytes. */
    private static final byte[][] BASES = {
            VmdkImageBuilder.monolithicSparse().capacity(64).grain(0, 1).grain(5, 2).build(),
            VmdkImageBuilder.streamOptimized().capacity(64).grain(1, 1).grain(4, 2).build(),
            VmdkImageBuilder.streamOptimized().capacity(64).grain(2, 1).withFooter().build(),
    };

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

    @FuzzTest(maxDuration = "60s")
    void inspectMutated(FuzzedDataProvider data) throws IOException {
        byte[] image = BASES[data.consumeInt(0, BASES.length - 1)].clone();
        int patches = data.consumeInt(1, 8);
        for (int i = 0; i < patches && data.remainingBytes() > 0; i++) {
            int at = data.consumeInt(0, image.length - 1);
            byte[] bytes = data.consumeBytes(8);
            System.arraycopy(bytes, 0, image, at, Math.min(bytes.length, image.length - at));
        }
        if (data.consumeBoolean()) {
            image = java.util.Arrays.copyOf(image, data.consumeInt(0, image.length));
        }
        Inspection in = new VmdkInspector().inspect(new ByteArrayReadSource(image), Limits.NONE);
        assertThat(in.fileSize()).isEqualTo(image.length);
    }
}
