package dev.ferry.format.vmdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VmdkProbeTest {
    private final VmdkInspector inspector = new VmdkInspector();

    private boolean probe(byte[] b) throws IOException {
        return inspector.probe(new ByteArrayReadSource(b));
    }

    @Test
    void sparseMagicAtZero() throws IOException {
        byte[] b = new byte[512];
        b[0] = 'K';
        b[1] = 'D';
        b[2] = 'M';
        b[3] = 'V';
        assertThat(probe(b)).isTrue();
    }

    @Test
    void textDescriptor() throws IOException {
        assertThat(probe("# Disk DescriptorFile\nversion=1\n".getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(probe("version=1\ncreateType=\"monolithicFlat\"\n".getBytes(StandardCharsets.US_ASCII))).isTrue();
    }

    @Test
    void otherContentIsNotVmdk() throws IOException {
        assertThat(probe(new byte[0])).isFalse();
        assertThat(probe(new byte[4096])).isFalse();
        assertThat(probe("just some text\n".getBytes(StandardCharsets.US_ASCII))).isFalse();
        byte[] binary = "createType=\"x\"\n\0\1\2".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(probe(binary)).isFalse();
    }
}
