package dev.ferry.format.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.convert.ReaderFuzzing;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Qcow2Reader} opened on any bytes, without inspection, reads the whole disk or throws
 * {@code FormatException} ({@link ReaderFuzzing}). In the default build this replays the seeds
 * under {@code Qcow2ReaderFuzzTestInputs/readsWholeDisk}: the inspector's seeds (images made with
 * {@link Qcow2ImageBuilder}), two 6.5 KiB images of qemu-img 7.2 with compressed clusters
 * ({@code qemu-img convert -c -O qcow2 -o cluster_size=512,compression_type=zlib|zstd} of 64 KiB
 * holding four 700-byte runs of random data) and the regressions fuzzing found;
 * {@code JAZZER_FUZZ=1} fuzzes (ferry-format/README.md).
 */
class Qcow2ReaderFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void readsWholeDisk(byte[] data) throws IOException {
        ReaderFuzzing.readWhole(Qcow2Reader::open, data);
    }

    @Test
    void theSeedImagesAreReadNotRefused() throws IOException {
        Map<String, byte[]> seeds = ReaderFuzzing.seeds(getClass(), "readsWholeDisk");
        for (String name : new String[] {"v2-data", "v3-data", "qemu-zlib", "qemu-zstd"}) {
            assertThat(ReaderFuzzing.readWhole(Qcow2Reader::open, seeds.get(name))).as(name).isEqualTo(64 * 1024);
        }
        // Its compressed cluster is no zstd frame: once a ZstdException escaped, now a FormatException.
        assertThat(ReaderFuzzing.readWhole(Qcow2Reader::open, seeds.get("v3-zero-compressed-ext"))).isEqualTo(-1);
    }

    /** An L1 table offset just below 2^63 (aligned): {@code offset + l1 bytes} wrapped and passed the bounds check. */
    @Test
    void anL1TableWhoseEndWrapsPast2To63IsRefused() throws IOException {
        byte[] img = Qcow2ImageBuilder.v3().clusterBits(9).size(4L << 20).data(0, 1).build(); // 128 L1 entries: 1 KiB
        java.nio.ByteBuffer.wrap(img).putLong(40, Long.MAX_VALUE - 511);
        assertThat(ReaderFuzzing.readWhole(Qcow2Reader::open, img)).isEqualTo(-1);
    }
}
