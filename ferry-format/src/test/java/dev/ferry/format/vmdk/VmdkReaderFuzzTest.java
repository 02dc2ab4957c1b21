package dev.ferry.format.vmdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.convert.ReaderFuzzing;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link VmdkReader} opened on any bytes, without inspection, reads the whole disk or throws
 * {@code FormatException} ({@link ReaderFuzzing}). Seeds under
 * {@code VmdkReaderFuzzTestInputs/readsWholeDisk}: the inspector's monolithicSparse,
 * streamOptimized and streamOptimized-with-footer images ({@link VmdkImageBuilder}) and the
 * regressions fuzzing found; {@code JAZZER_FUZZ=1} fuzzes (ferry-format/README.md).
 */
class VmdkReaderFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void readsWholeDisk(byte[] data) throws IOException {
        ReaderFuzzing.readWhole(VmdkReader::open, data);
    }

    @Test
    void theSeedImagesAreReadNotRefused() throws IOException {
        Map<String, byte[]> seeds = ReaderFuzzing.seeds(getClass(), "readsWholeDisk");
        for (String name : new String[] {"sparse", "stream", "stream-footer"}) {
            assertThat(ReaderFuzzing.readWhole(VmdkReader::open, seeds.get(name))).as(name).isPositive();
        }
    }
}
