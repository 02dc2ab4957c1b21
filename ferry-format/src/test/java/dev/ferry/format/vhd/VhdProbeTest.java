package dev.ferry.format.vhd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.io.ByteArrayReadSource;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VhdProbeTest {
    private final VhdInspector inspector = new VhdInspector();

    @Test
    void findsCookieInLastSectorOfFixedDisk() throws Exception {
        byte[] image = new byte[4096];
        System.arraycopy("conectix".getBytes(StandardCharsets.US_ASCII), 0, image, 4096 - 512, 8);
        assertThat(inspector.probe(new ByteArrayReadSource(image))).isTrue();
    }

    @Test
    void findsCookieAtOffsetZero() throws Exception {
        byte[] image = new byte[4096];
        System.arraycopy("conectix".getBytes(StandardCharsets.US_ASCII), 0, image, 0, 8);
        assertThat(inspector.probe(new ByteArrayReadSource(image))).isTrue();
    }

    @Test
    void rejectsOtherBytes() throws Exception {
        assertThat(inspector.probe(new ByteArrayReadSource(new byte[4096]))).isFalse();
        assertThat(inspector.probe(new ByteArrayReadSource(new byte[10]))).isFalse();
        assertThat(inspector.probe(new ByteArrayReadSource(new byte[0]))).isFalse();
    }
}
