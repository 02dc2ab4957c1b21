package dev.ferry.format.vhdx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.io.ByteArrayReadSource;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VhdxProbeTest {
    private final VhdxInspector inspector = new VhdxInspector();

    @Test
    void findsFileIdentifierAtOffsetZero() throws Exception {
        byte[] image = new byte[1024];
        System.arraycopy("vhdxfile".getBytes(StandardCharsets.US_ASCII), 0, image, 0, 8);
        assertThat(inspector.probe(new ByteArrayReadSource(image))).isTrue();
    }

    @Test
    void rejectsOtherBytes() throws Exception {
        assertThat(inspector.probe(new ByteArrayReadSource(new byte[1024]))).isFalse();
        assertThat(inspector.probe(new ByteArrayReadSource(new byte[3]))).isFalse();
    }
}
