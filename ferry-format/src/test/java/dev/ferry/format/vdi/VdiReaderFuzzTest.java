package dev.ferry.format.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.convert.ReaderFuzzing;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link VdiReader} opened on any bytes, without inspection, reads the whole disk or throws
 * {@code FormatException} ({@link ReaderFuzzing}). Seeds under
 * {@code VdiReaderFuzzTestInputs/readsWholeDisk}: two images in qemu's layout (header, block map at
 * 512, data at 1024) with small blocks so that they stay a few KiB: {@code dynamic} (1 KiB blocks,
 * map {@code 0 FREE 1 ZERO 2 FREE FREE 3}, a virtual size that ends inside the last block) and
 * {@code static} (four 512-byte blocks in order), each allocated block holding non-zero bytes;
 * plus the regressions fuzzing found. {@code JAZZER_FUZZ=1} fuzzes (ferry-format/README.md).
 */
class VdiReaderFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void readsWholeDisk(byte[] data) throws IOException {
        ReaderFuzzing.readWhole(VdiReader::open, data);
    }

    @Test
    void theSeedImagesAreReadNotRefused() throws IOException {
        Map<String, byte[]> seeds = ReaderFuzzing.seeds(getClass(), "readsWholeDisk");
        assertThat(ReaderFuzzing.readWhole(VdiReader::open, seeds.get("dynamic"))).isEqualTo(8 * 1024 - 700);
        assertThat(ReaderFuzzing.readWhole(VdiReader::open, seeds.get("static"))).isEqualTo(4 * 512);
    }

    /** A disk size near 2^63 wrapped when rounded up to blocks: a negative block count, a block map of the wrong length, then ArrayIndexOutOfBoundsException. */
    @Test
    void aDiskSizeNear2To63IsRefused() throws IOException {
        byte[] img = ReaderFuzzing.seeds(getClass(), "readsWholeDisk").get("dynamic");
        java.nio.ByteBuffer.wrap(img).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0x170, Long.MAX_VALUE);
        assertThat(ReaderFuzzing.readWhole(VdiReader::open, img)).isEqualTo(-1);
    }
}
