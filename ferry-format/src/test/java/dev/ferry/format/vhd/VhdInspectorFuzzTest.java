package dev.ferry.format.vhd;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Any byte string gives an Inspection with a VHD code, never another exception. The second
 * target mutates a few bytes of a valid dynamic VHD so that the fuzzer reaches the header and BAT
 * checks, which random bytes almost never get past the footer checksum to.
 */
class VhdInspectorFuzzTest {
    private static final Set<String> CODES = Set.of("396", "721", "523", "614", "413", "609", "111");
    private static final Limits SMALL = new Limits(1 << 20, 1 << 20);
    private static final byte[] BASE = base();

    private static byte[] base() {
        VhdImage v = VhdImage.dynamic();
        v.currentSize = 16 * 1024;
        v.creator = "win ";
        v.blockSize = 4096;
        v.allocated = List.of(1, 3);
        return v.build();
    }

    static void check(byte[] data) throws IOException {
        ByteArrayReadSource src = new ByteArrayReadSource(data);
        VhdInspector inspector = new VhdInspector();
        inspector.probe(src);
        for (Limits limits : List.of(SMALL, Limits.NONE)) {
            Inspection in = inspector.inspect(src, limits);
            assertThat(in.format()).isEqualTo(DiskFormat.VHD);
            assertThat(in.fileSize()).isEqualTo(data.length);
            if (in.rejection() != null) {
                assertThat(in.rejection().code()).isIn(CODES);
                assertThat(in.rejection().message()).startsWith(in.rejection().code() + ": The image cannot be imported.");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void theMutatedBaseIsAValidImage() throws IOException {
        assertThat(new VhdInspector().inspect(new ByteArrayReadSource(BASE), SMALL).accepted()).isTrue();
    }

    @FuzzTest(maxDuration = "60s")
    void anyBytesGiveAnInspection(byte[] data) throws IOException {
        check(data);
    }

    @FuzzTest(maxDuration = "60s")
    void mutatedDynamicDiskGivesAnInspection(FuzzedDataProvider fuzz) throws IOException {
        byte[] img = BASE.clone();
        int edits = fuzz.consumeInt(0, 12);
        for (int i = 0; i < edits; i++) {
            img[fuzz.consumeInt(0, img.length - 1)] = fuzz.consumeByte();
        }
        if (fuzz.consumeBoolean()) {
            VhdImage.resealFooters(img, true);
        }
        if (fuzz.consumeBoolean() && img.length >= 1536) {
            VhdImage.resealHeader(img, 512);
        }
        check(img);
    }
}
