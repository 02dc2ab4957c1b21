package dev.ferry.format.vhdx;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.format.convert.ReaderFuzzing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link VhdxReader} opened without inspection on edited VHDXs reads the whole disk or throws
 * {@code FormatException} ({@link ReaderFuzzing}). A VHDX is at least a MiB of mostly zeros with
 * CRC-sealed region tables, so the target edits a valid 4 MiB image built with {@link VhdxImage}
 * (bytes and 64-bit fields in the region tables, metadata table and items and the BAT, optionally
 * resealed and cut) instead of taking raw bytes. Seeds under
 * {@code VhdxReaderFuzzTestInputs/readsMutatedDisk} are data-provider inputs, plus the regressions
 * fuzzing found.
 */
class VhdxReaderFuzzTest {
    private static final byte[] BASE = base();
    /** Region tables, BAT, metadata table and items: {offset, length}. */
    private static final int[][] AREAS = {
        {192 * 1024, 128}, {256 * 1024, 128}, {VhdxImage.BAT_AT, 64}, {VhdxImage.META_AT, 256},
        {VhdxImage.META_AT + 64 * 1024, 48},
    };

    /** 4 MiB in 1 MiB blocks: block 0 and 2 present with non-zero data, block 3 ZERO, block 1 absent. */
    private static byte[] base() {
        VhdxImage v = new VhdxImage();
        v.allocated = List.of(2, 0);
        byte[] img = v.build();
        VhdxImage.setBat(img, v.batIndex(3), 2); // PAYLOAD_ZERO
        for (int i = VhdxImage.DATA_AT; i < img.length; i += 4093) {
            img[i] = (byte) (i | 1);
        }
        return img;
    }

    @FuzzTest(maxDuration = "60s")
    void readsMutatedDisk(FuzzedDataProvider fuzz) throws IOException {
        byte[] img = BASE.clone();
        ByteBuffer le = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        int edits = fuzz.consumeInt(0, 8);
        for (int i = 0; i < edits; i++) {
            int[] area = AREAS[fuzz.consumeInt(0, AREAS.length - 1)];
            int at = area[0] + fuzz.consumeInt(0, area[1] - 1);
            if (fuzz.consumeBoolean()) {
                le.putLong(at, fuzz.consumeLong());
            } else {
                img[at] = fuzz.consumeByte();
            }
        }
        if (fuzz.consumeBoolean()) {
            VhdxImage.resealRegionTables(img);
        }
        if (fuzz.consumeBoolean()) {
            img = Arrays.copyOf(img, fuzz.consumeInt(0, img.length));
        }
        ReaderFuzzing.readWhole(VhdxReader::open, img);
    }

    @Test
    void theBaseIsReadNotRefused() throws IOException {
        assertThat(ReaderFuzzing.readWhole(VhdxReader::open, BASE)).isEqualTo(4L << 20);
    }

    /** Found by fuzzing (seed crash-metadata-table-without-signature): MetadataTable.parse's IllegalArgumentException escaped. */
    @Test
    void aMetadataTableWithoutItsSignatureIsRefused() throws IOException {
        byte[] img = BASE.clone();
        img[VhdxImage.META_AT] = 'X';
        assertThat(ReaderFuzzing.readWhole(VhdxReader::open, img)).isEqualTo(-1);
    }

    /** A negative region offset passed {@code offset + length <= fileSize} and reached the source. */
    @Test
    void aRegionAtANegativeOffsetIsRefused() throws IOException {
        byte[] img = BASE.clone();
        ByteBuffer le = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        for (int table : new int[] {192 * 1024, 256 * 1024}) {
            le.putLong(table + 48 + 16, -(1L << 20)); // entry 1, the metadata region: its file offset
        }
        VhdxImage.resealRegionTables(img);
        assertThat(ReaderFuzzing.readWhole(VhdxReader::open, img)).isEqualTo(-1);
    }

    /** A present block 1 MiB below 2^63: {@code offset + block} wrapped and passed the bounds check. */
    @Test
    void aBlockWhoseEndWrapsPast2To63IsRefused() throws IOException {
        byte[] img = BASE.clone();
        VhdxImage.setBat(img, 1, (((1L << 43) - 1) << 20) | 6);
        assertThat(ReaderFuzzing.readWhole(VhdxReader::open, img)).isEqualTo(-1);
    }
}
