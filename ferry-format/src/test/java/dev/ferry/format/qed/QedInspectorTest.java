package dev.ferry.format.qed;

import static dev.ferry.format.testing.TestImages.qed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class QedInspectorTest {
    private final QedInspector qed = new QedInspector();

    @Test
    void qedIsAlwaysRefusedWithItsVirtualSize() throws IOException {
        byte[] d = qed(1 << 20);
        assertThat(qed.probe(new ByteArrayReadSource(d))).isTrue();
        Inspection i = qed.inspect(new ByteArrayReadSource(d), Limits.NONE);
        assertThat(i.accepted()).isFalse();
        assertThat(i.rejection().code()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        assertThat(i.virtualSize()).isEqualTo(1 << 20);
    }

    @Test
    void shortQedHasUnknownSize() throws IOException {
        Inspection i = qed.inspect(new ByteArrayReadSource(Arrays.copyOf(qed(1 << 20), 10)), Limits.NONE);
        assertThat(i.rejection().code()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        assertThat(i.virtualSize()).isEqualTo(-1);
    }

    @Test
    void otherMagicDoesNotProbe() throws IOException {
        assertThat(qed.probe(new ByteArrayReadSource("QFI\u00fb".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)))).isFalse();
        assertThat(qed.probe(new ByteArrayReadSource(new byte[2]))).isFalse();
    }
}
