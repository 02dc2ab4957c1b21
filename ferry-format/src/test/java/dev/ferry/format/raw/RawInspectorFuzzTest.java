package dev.ferry.format.raw;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;

/** MBR/GPT parsing of any sector 0/1 content: an Inspection, never an exception or a read past the end. */
class RawInspectorFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void anyBytesGiveAnInspection(byte[] data) throws IOException {
        ByteArrayReadSource src = new ByteArrayReadSource(data);
        RawInspector raw = new RawInspector();
        assertThat(raw.probe(src)).isTrue();
        RawInspector.hasPartitionTableSignature(src);
        Inspection i = raw.inspect(src, Limits.NONE);
        assertThat(i.fileSize()).isEqualTo(data.length);
        if (i.accepted()) {
            assertThat(i.virtualSize()).isEqualTo(data.length);
        }
    }
}
