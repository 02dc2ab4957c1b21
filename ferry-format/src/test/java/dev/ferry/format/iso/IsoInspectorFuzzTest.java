package dev.ferry.format.iso;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;

/** The fuzz bytes become the volume descriptor area (from 32 KiB), where the parser looks. */
class IsoInspectorFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void anyDescriptorsGiveAnInspection(byte[] data) throws IOException {
        byte[] image = new byte[(int) VolumeDescriptor.FIRST_OFFSET + data.length];
        System.arraycopy(data, 0, image, (int) VolumeDescriptor.FIRST_OFFSET, data.length);
        IsoInspector iso = new IsoInspector();
        ByteArrayReadSource src = new ByteArrayReadSource(image);
        boolean probed = iso.probe(src);
        Inspection i = iso.inspect(src, Limits.NONE);
        assertThat(i.fileSize()).isEqualTo(image.length);
        if (i.accepted()) {
            assertThat(probed).isTrue();
            assertThat(i.virtualSize()).isEqualTo(image.length);
        }
    }
}
