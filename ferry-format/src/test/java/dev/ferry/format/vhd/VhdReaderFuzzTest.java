package dev.ferry.format.vhd;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.convert.ReaderFuzzing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link VhdReader} opened without inspection on edited VHDs reads the whole disk or throws
 * {@code FormatException} ({@link ReaderFuzzing}). The footer and the dynamic header carry
 * checksums that random bytes almost never match, so the target edits valid images built with
 * {@link VhdImage} (bytes and 32-bit fields anywhere, then optionally resealed and cut) instead of
 * taking raw bytes. Seeds under {@code VhdReaderFuzzTestInputs/readsMutatedDisk} are inputs of the
 * fuzzer's data provider (edit lists), plus the regressions fuzzing found.
 */
class VhdReaderFuzzTest {
    private static final byte[][] BASES = {dynamic(), fixed()};

    /** 16 KiB in 4 KiB blocks, blocks 1 and 3 allocated (in the file in the order 3, 1), data non-zero. */
    private static byte[] dynamic() {
        VhdImage v = VhdImage.dynamic();
        v.currentSize = 16 * 1024;
        v.blockSize = 4096;
        v.allocated = List.of(3, 1);
        byte[] img = v.build();
        Random r = new Random(3);
        for (int k = 0; k < 2; k++) {
            long at = v.firstBlockOffset() + k * (v.bitmapSize() + v.blockSize) + v.bitmapSize();
            for (int i = 0; i < v.blockSize; i += 61) {
                img[(int) at + i] = (byte) (1 + r.nextInt(255));
            }
        }
        return img;
    }

    /** 3 KiB fixed disk with data in its first sector. */
    private static byte[] fixed() {
        VhdImage v = VhdImage.fixed();
        v.currentSize = 3 * 1024;
        v.sector0 = "fixed vhd sector zero".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return v.build();
    }

    @FuzzTest(maxDuration = "60s")
    void readsMutatedDisk(FuzzedDataProvider fuzz) throws IOException {
        byte[] img = BASES[fuzz.consumeInt(0, BASES.length - 1)].clone();
        int edits = fuzz.consumeInt(0, 8);
        for (int i = 0; i < edits; i++) {
            int at = fuzz.consumeInt(0, img.length - 1);
            if (fuzz.consumeBoolean() && at + 4 <= img.length) {
                ByteBuffer.wrap(img).putInt(at, fuzz.consumeInt());
            } else {
                img[at] = fuzz.consumeByte();
            }
        }
        if (fuzz.consumeBoolean()) {
            VhdImage.resealFooters(img, true);
        }
        if (fuzz.consumeBoolean() && img.length >= 1536) {
            VhdImage.resealHeader(img, 512);
        }
        if (fuzz.consumeBoolean()) {
            // Cut the file, keeping a (possibly resealed) footer at the new end.
            int keep = fuzz.consumeInt(0, img.length);
            byte[] cut = Arrays.copyOf(img, keep);
            if (keep >= 512) {
                System.arraycopy(img, img.length - 512, cut, keep - 512, 512);
            }
            img = cut;
        }
        ReaderFuzzing.readWhole(VhdReader::open, img);
    }

    @Test
    void theBasesAreReadNotRefused() throws IOException {
        assertThat(ReaderFuzzing.readWhole(VhdReader::open, BASES[0])).isEqualTo(16 * 1024);
        assertThat(ReaderFuzzing.readWhole(VhdReader::open, BASES[1])).isEqualTo(3 * 1024);
    }

    /** Dynamic header / BAT offsets are 64-bit: just below 2^63, {@code offset + length} wrapped and passed the bounds check. */
    @Test
    void offsetsWhoseEndWrapsPast2To63AreRefused() throws IOException {
        long nearTop = Long.MAX_VALUE - 511; // a multiple of 512
        byte[] header = BASES[0].clone();
        ByteBuffer.wrap(header).putLong(header.length - 512 + 16, nearTop); // footer data_offset
        VhdImage.resealFooters(header, false);
        assertThat(ReaderFuzzing.readWhole(VhdReader::open, header)).isEqualTo(-1);

        byte[] bat = BASES[0].clone();
        ByteBuffer.wrap(bat).putLong(512 + 16, nearTop); // dynamic header table_offset
        VhdImage.resealHeader(bat, 512);
        assertThat(ReaderFuzzing.readWhole(VhdReader::open, bat)).isEqualTo(-1);
    }
}
