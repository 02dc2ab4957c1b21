package dev.ferry.format.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;

/** Any VDI header and block map: an Inspection, never an exception or an unbounded allocation. */
class VdiInspectorFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void anyBytesGiveAnInspection(byte[] data) throws IOException {
        ByteArrayReadSource src = new ByteArrayReadSource(data);
        VdiInspector vdi = new VdiInspector();
        boolean probed = vdi.probe(src);
        Inspection i = vdi.inspect(src, Limits.NONE);
        assertThat(i.fileSize()).isEqualTo(data.length);
        if (i.accepted()) {
            assertThat(probed).isTrue();
            assertThat(i.virtualSize()).isNotNegative();
        }
    }
}
