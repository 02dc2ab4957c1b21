package dev.ferry.format.raw;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.convert.ReaderFuzzing;
import java.io.IOException;

/**
 * {@link RawReader} (raw and ISO) on any bytes: the disk is the bytes, read whole
 * ({@link ReaderFuzzing}). Little to find, but it keeps the raw path under the same harness as the
 * other readers. Seed: the inspector's MBR sector.
 */
class RawReaderFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void readsWholeDisk(byte[] data) throws IOException {
        assertThat(ReaderFuzzing.readWhole(RawReader::open, data)).isEqualTo(data.length);
    }
}
