package dev.ferry.format.qed;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;

/** QED is refused whatever its header says. */
class QedInspectorFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void anyBytesAreRefused(byte[] data) throws IOException {
        ByteArrayReadSource src = new ByteArrayReadSource(data);
        QedInspector qed = new QedInspector();
        qed.probe(src);
        Inspection i = qed.inspect(src, Limits.NONE);
        assertThat(i.accepted()).isFalse();
        assertThat(i.rejection().code()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
    }
}
