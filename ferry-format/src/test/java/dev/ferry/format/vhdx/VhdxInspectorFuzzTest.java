package dev.ferry.format.vhdx;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Any byte string gives an Inspection with a known reason, never another exception. The second
 * target edits the structures of a valid 6 MiB VHDX (headers, region tables, metadata, BAT,
 * optionally resealing the CRCs and cutting the file) so that every stage is reached.
 */
class VhdxInspectorFuzzTest {
    private static final Set<String> CODES = Set.of(Reason.BAD_HEADER, Reason.TRUNCATED, Reason.BACKING_FILE,
            Reason.UNSUPPORTED_FEATURE, Reason.UNSUPPORTED_VERSION, Reason.METADATA_OVERLAP,
            Reason.VIRTUAL_SIZE_LIMIT, Reason.FILE_SIZE_LIMIT);
    private static final Limits SMALL = new Limits(8 << 20, 8 << 20);
    private static final byte[] BASE = base();
    /** Where the structures are: identifier, header 1, header 2, region tables, BAT, metadata table and items. */
    private static final int[][] AREAS = {
        {0, 64}, {64 * 1024, 128}, {128 * 1024, 128}, {192 * 1024, 128}, {256 * 1024, 128},
        {VhdxImage.BAT_AT, 64}, {VhdxImage.META_AT, 256}, {VhdxImage.META_AT + 64 * 1024, 48},
    };

    private static byte[] base() {
        VhdxImage v = new VhdxImage();
        v.allocated = List.of(0, 2);
        return v.build();
    }

    static void check(byte[] data) throws IOException {
        ByteArrayReadSource src = new ByteArrayReadSource(data);
        VhdxInspector inspector = new VhdxInspector();
        inspector.probe(src);
        for (Limits limits : List.of(SMALL, Limits.NONE)) {
            Inspection in = inspector.inspect(src, limits);
            assertThat(in.format()).isEqualTo(DiskFormat.VHDX);
            assertThat(in.fileSize()).isEqualTo(data.length);
            if (in.rejection() != null) {
                assertThat(in.rejection().code()).isIn(CODES);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void theMutatedBaseIsAValidImage() throws IOException {
        assertThat(new VhdxInspector().inspect(new ByteArrayReadSource(BASE), SMALL).accepted()).isTrue();
    }

    @FuzzTest(maxDuration = "60s")
    void anyBytesGiveAnInspection(byte[] data) throws IOException {
        check(data);
    }

    @FuzzTest(maxDuration = "60s")
    void mutatedImageGivesAnInspection(FuzzedDataProvider fuzz) throws IOException {
        byte[] img = BASE.clone();
        int edits = fuzz.consumeInt(0, 12);
        for (int i = 0; i < edits; i++) {
            int[] area = AREAS[fuzz.consumeInt(0, AREAS.length - 1)];
            img[area[0] + fuzz.consumeInt(0, area[1] - 1)] = fuzz.consumeByte();
        }
        if (fuzz.consumeBoolean()) {
            VhdxImage.resealHeaders(img);
            VhdxImage.resealRegionTables(img);
        }
        if (fuzz.consumeBoolean()) {
            img = Arrays.copyOf(img, fuzz.consumeInt(0, img.length));
        }
        check(img);
    }
}
