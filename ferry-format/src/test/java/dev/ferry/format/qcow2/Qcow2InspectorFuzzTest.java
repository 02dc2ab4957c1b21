package dev.ferry.format.qcow2;

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
 * replays the seeds under {@code Qcow2InspectorFuzzTestInputs/inspect} (small images made with
 * {@link Qcow2ImageBuilder} at cluster_bits 9); {@code JAZZER_FUZZ=1} fuzzes.
 */
class Qcow2InspectorFuzzTest {
    private static final Limits SMALL = new Limits(1L << 24, 1L << 24);

    /** Valid images built in code, mutated by the fuzzer: reaches the table walk far more often than raw bytes. */
    private static final byte[][] BASES = {
            Qcow2ImageBuilder.v3().clusterBits(9).size(64 * 1024).data(0, 1).data(70, 2).snapshot().build(),
            Qcow2ImageBuilder.v2().clusterBits(9).size(64 * 1024).data(3, 1).build(),
            Qcow2ImageBuilder.v3().clusterBits(12).size(1L << 20).zstd().extension(0x12345678, new byte[5])
                    .data(1, 1).l2Entry(2, L2Entry.ZERO).build(),
    };

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
        Inspection in = new Qcow2Inspector().inspect(new ByteArrayReadSource(image), Limits.NONE);
        assertThat(in.fileSize()).isEqualTo(image.length);
    }
}
