package dev.ferry.format.vdi;

import static dev.ferry.format.testing.TestImages.putLe32;
import static dev.ferry.format.testing.TestImages.putLe64;
import static dev.ferry.format.testing.TestImages.vdi;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class VdiInspectorTest {
    private static final long FREE = 0xFFFF_FFFFL;
    private final VdiInspector vdi = new VdiInspector();

    private Inspection inspect(byte[] d) throws IOException {
        return vdi.inspect(new ByteArrayReadSource(d), Limits.NONE);
    }

    @Test
    void staticImageIsAccepted() throws IOException {
        byte[] d = vdi(true, 2, null);
        assertThat(vdi.probe(new ByteArrayReadSource(d))).isTrue();
        Inspection i = inspect(d);
        assertThat(i.accepted()).as("%s", i).isTrue();
        assertThat(i.subformat()).isEqualTo("static");
        assertThat(i.virtualSize()).isEqualTo(2 << 20);
    }

    @Test
    void dynamicImageWithSparseMapIsAccepted() throws IOException {
        Inspection i = inspect(vdi(false, 8, new long[] {FREE, 0, FREE, 0xFFFF_FFFEL, 1, FREE, FREE, FREE}));
        assertThat(i.accepted()).as("%s", i).isTrue();
        assertThat(i.subformat()).isEqualTo("dynamic");
        assertThat(i.virtualSize()).isEqualTo(8 << 20);
    }

    @Test
    void twoEntriesSharingABlockAreRefused() throws IOException {
        Inspection i = inspect(vdi(false, 4, new long[] {0, 1, 0, FREE}));
        assertThat(i.rejection().code()).isEqualTo(Reason.METADATA_OVERLAP);
    }

    @Test
    void entryBeyondAllocatedBlocksIsRefused() throws IOException {
        byte[] d = vdi(false, 4, new long[] {0, 1, FREE, FREE});
        putLe32(d, 512 + 8, 7);
        assertThat(inspect(d).rejection().code()).isEqualTo(Reason.BAD_HEADER);
    }

    @Test
    void allocatedBlocksPastTheEndAreTruncated() throws IOException {
        byte[] d = vdi(false, 4, new long[] {0, 1, FREE, FREE});
        assertThat(inspect(Arrays.copyOf(d, d.length - 4096)).rejection().code()).isEqualTo(Reason.TRUNCATED);
    }

    @Test
    void parentUuidMeansBackingFile() throws IOException {
        byte[] d = vdi(true, 1, null);
        d[0x1B8] = 9;
        assertThat(inspect(d).rejection().code()).isEqualTo(Reason.BACKING_FILE);
    }

    @Test
    void differencingTypeIsRefused() throws IOException {
        byte[] d = vdi(true, 1, null);
        putLe32(d, 0x4C, 4);
        assertThat(inspect(d).rejection().code()).isEqualTo(Reason.BACKING_FILE);
    }

    @Test
    void hugeBlockCountIsRefusedBeforeReadingTheMap() throws IOException {
        byte[] d = vdi(false, 1, new long[] {FREE});
        putLe32(d, 0x180, 0xFFFF_FFF0L);
        putLe64(d, 0x170, 1L << 40);
        assertThat(inspect(d).rejection().code()).isEqualTo(Reason.BAD_HEADER);
    }

    @Test
    void diskLargerThanTheBlocksIsRefused() throws IOException {
        byte[] d = vdi(true, 1, null);
        putLe64(d, 0x170, 5L << 20);
        assertThat(inspect(d).rejection().code()).isEqualTo(Reason.BAD_HEADER);
    }

    @Test
    void virtualSizeLimitApplies() throws IOException {
        Inspection i = vdi.inspect(new ByteArrayReadSource(vdi(true, 2, null)), new Limits(1 << 20, Long.MAX_VALUE));
        assertThat(i.rejection().code()).isEqualTo(Reason.VIRTUAL_SIZE_LIMIT);
        assertThat(i.virtualSize()).isEqualTo(2 << 20);
    }

    @Test
    void staticImageWithHoleIsRefused() throws IOException {
        byte[] d = vdi(true, 2, null);
        putLe32(d, 512 + 4, FREE);
        assertThat(inspect(d).rejection().code()).isEqualTo(Reason.BAD_HEADER);
    }
}
