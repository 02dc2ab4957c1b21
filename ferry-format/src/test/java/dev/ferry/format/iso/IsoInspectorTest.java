package dev.ferry.format.iso;

import static dev.ferry.format.testing.TestImages.iso;
import static dev.ferry.format.testing.TestImages.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class IsoInspectorTest {
    private final IsoInspector iso = new IsoInspector();

    private Inspection inspect(byte[] d) throws IOException {
        return iso.inspect(new ByteArrayReadSource(d), Limits.NONE);
    }

    @Test
    void primaryVolumeDescriptorIsFoundAndTheFileLengthIsTheVirtualSize() throws IOException {
        byte[] d = iso(175, 175);
        assertThat(iso.probe(new ByteArrayReadSource(d))).isTrue();
        Inspection i = inspect(d);
        assertThat(i.accepted()).isTrue();
        assertThat(i.format()).isEqualTo(DiskFormat.ISO);
        assertThat(i.virtualSize()).isEqualTo(358_400);
    }

    @Test
    void volumeLargerThanTheFileIsTruncated() throws IOException {
        assertThat(inspect(iso(400, 175)).rejection().code()).isEqualTo(Reason.TRUNCATED);
    }

    @Test
    void bothEndianCopiesMustAgree() throws IOException {
        byte[] d = iso(175, 175);
        d[16 * 2048 + 87] = 1;
        assertThat(inspect(d).rejection().code()).isEqualTo(Reason.BAD_HEADER);
    }

    @Test
    void descriptorSetWithoutPrimaryIsRefused() throws IOException {
        byte[] d = iso(175, 175);
        d[16 * 2048] = 2;
        assertThat(inspect(d).rejection().code()).isEqualTo(Reason.BAD_HEADER);
    }

    @Test
    void udfRecognitionSequenceIsAnIso() throws IOException {
        byte[] d = new byte[40 * 2048];
        put(d, 16 * 2048 + 1, "BEA01");
        put(d, 17 * 2048 + 1, "NSR02");
        put(d, 18 * 2048 + 1, "TEA01");
        assertThat(iso.probe(new ByteArrayReadSource(d))).isTrue();
        Inspection i = inspect(d);
        assertThat(i.accepted()).isTrue();
        assertThat(i.subformat()).isEqualTo("udf");
    }

    @Test
    void shortFilesAndZerosAreNoIso() throws IOException {
        assertThat(iso.probe(new ByteArrayReadSource(new byte[100]))).isFalse();
        assertThat(iso.probe(new ByteArrayReadSource(new byte[64 * 1024]))).isFalse();
        assertThat(inspect(new byte[64 * 1024]).rejection().code()).isEqualTo(Reason.BAD_HEADER);
    }
}
