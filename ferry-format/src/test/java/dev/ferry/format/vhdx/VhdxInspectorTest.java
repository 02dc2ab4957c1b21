package dev.ferry.format.vhdx;

import static dev.ferry.format.vhdx.VhdxImage.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class VhdxInspectorTest {
    private static final Limits LIMITS = new Limits(16L * MIB, 16L * MIB);

    static Inspection inspect(byte[] img) throws IOException {
        return inspect(img, LIMITS);
    }

    static Inspection inspect(byte[] img, Limits limits) throws IOException {
        return new VhdxInspector().inspect(new ByteArrayReadSource(img), limits);
    }

    static void assertCode(Inspection in, String code, String detail) {
        assertThat(in.rejection()).as(in.toString()).isNotNull();
        assertThat(in.rejection().code()).as(in.toString()).isEqualTo(code);
        assertThat(in.rejection().message()).contains(detail);
        assertThat(in.format()).isEqualTo(DiskFormat.VHDX);
    }

    static void le32(byte[] img, int at, int v) {
        ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
    }

    static void le64(byte[] img, int at, long v) {
        ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
    }

    @Test
    void acceptsDynamicAndFixed() throws IOException {
        VhdxImage v = new VhdxImage();
        v.allocated = List.of(1, 3);
        Inspection in = inspect(v.build());
        assertThat(in.accepted()).as(in.toString()).isTrue();
        assertThat(in.subformat()).isEqualTo("dynamic");
        assertThat(in.virtualSize()).isEqualTo(4L * MIB);
        assertThat(in.qemuVirtualSize()).isEqualTo(4L * MIB);

        v.fileParameterFlags = 1;
        v.allocated = List.of(0, 1, 2, 3);
        Inspection fixed = inspect(v.build());
        assertThat(fixed.accepted()).as(fixed.toString()).isTrue();
        assertThat(fixed.subformat()).isEqualTo("fixed");
    }

    @Test
    void sectorBitmapEntriesAreSkippedWhenWalkingTheBat() throws IOException {
        // 256 MiB blocks with 512-byte sectors: chunk ratio 16, so BAT[16] is a sector bitmap entry.
        VhdxImage v = new VhdxImage();
        v.blockSize = 256 * MIB;
        v.virtualSize = 17L * 256 * MIB;
        assertThat(v.chunkRatio()).isEqualTo(16);
        byte[] img = v.build();
        VhdxImage.setBat(img, 16, 1); // an undefined state in a bitmap slot
        assertCode(inspect(img, Limits.NONE), Reason.BAD_HEADER, "sector bitmap BAT entry 16");
        VhdxImage.setBat(img, 16, 0);
        VhdxImage.setBat(img, 17, 4); // payload block 16 sits at index 17
        assertCode(inspect(img, Limits.NONE), Reason.BAD_HEADER, "BAT entry 17 has undefined state 4");
        VhdxImage.setBat(img, 17, 2);
        assertThat(inspect(img, Limits.NONE).accepted()).isTrue();
    }

    @Test
    void badFileIdentifierStillReportsTheVirtualSize() throws IOException {
        byte[] img = new VhdxImage().build();
        img[7] = 'X';
        Inspection in = inspect(img);
        assertCode(in, Reason.BAD_HEADER, "vhdxfile");
        assertThat(in.virtualSize()).isEqualTo(4L * MIB);
    }

    @Test
    void headers() throws IOException {
        byte[] img = new VhdxImage().build();
        img[64 * 1024 + 100]++; // header 1 CRC broken: header 2 (sequence 2) still valid
        assertThat(inspect(img).accepted()).isTrue();
        img[128 * 1024 + 100]++;
        assertCode(inspect(img), Reason.BAD_HEADER, "neither header");

        VhdxImage v = new VhdxImage();
        v.version = 2;
        assertCode(inspect(v.build()), Reason.UNSUPPORTED_VERSION, "header version 2");
    }

    @Test
    void logThatMustBeReplayedIsRefused() throws IOException {
        VhdxImage v = new VhdxImage();
        v.logGuid = UUID.randomUUID();
        assertCode(inspect(v.build()), Reason.UNSUPPORTED_FEATURE, "replayed");
    }

    @Test
    void logOutsideTheFileOrOverTheHeaders() throws IOException {
        byte[] img = new VhdxImage().build();
        for (int at : new int[] {64 * 1024, 128 * 1024}) {
            le64(img, at + 72, 0);
        }
        VhdxImage.resealHeaders(img);
        assertCode(inspect(img), Reason.BAD_HEADER, "log at 0");
        for (int at : new int[] {64 * 1024, 128 * 1024}) {
            le64(img, at + 72, 2L * MIB);
        }
        VhdxImage.resealHeaders(img);
        assertCode(inspect(img), Reason.METADATA_OVERLAP, "overlaps");
    }

    @Test
    void regionTables() throws IOException {
        byte[] img = new VhdxImage().build();
        img[192 * 1024 + 100]++; // table 1 broken, table 2 used
        assertThat(inspect(img).accepted()).isTrue();
        img[256 * 1024 + 100]++;
        assertCode(inspect(img), Reason.BAD_HEADER, "neither region table");

        img = new VhdxImage().build();
        for (int at : new int[] {192 * 1024, 256 * 1024}) {
            le32(img, at + 8, 5000);
        }
        VhdxImage.resealRegionTables(img);
        assertCode(inspect(img), Reason.BAD_HEADER, "neither region table");

        VhdxImage v = new VhdxImage();
        v.extraRegions.add(new Object[] {UUID.randomUUID(), 8L * MIB, MIB, true});
        assertCode(inspect(v.build()), Reason.UNSUPPORTED_FEATURE, "unknown required region");
        v.extraRegions.set(0, new Object[] {UUID.randomUUID(), 2L * MIB, MIB, false});
        assertCode(inspect(v.build()), Reason.METADATA_OVERLAP, "overlaps");
        v.extraRegions.set(0, new Object[] {UUID.randomUUID(), 3L * MIB + 4096, MIB, false});
        assertCode(inspect(v.build()), Reason.BAD_HEADER, "1 MiB-aligned");
    }

    @Test
    void truncatedInsideTheMetadataRegion() throws IOException {
        byte[] img = new VhdxImage().build();
        Inspection in = inspect(Arrays.copyOf(img, 3 * MIB + 4096));
        assertCode(in, Reason.TRUNCATED, "past the end of the file");
        assertThat(in.virtualSize()).isEqualTo(-1);
        assertCode(inspect(Arrays.copyOf(img, 100_000)), Reason.TRUNCATED, "too short");
    }

    @Test
    void metadata() throws IOException {
        VhdxImage v = new VhdxImage();
        v.fileParameterFlags = 2;
        Inspection parent = inspect(v.build());
        assertCode(parent, Reason.BACKING_FILE, "HasParent");
        assertThat(parent.virtualSize()).isEqualTo(4L * MIB);

        v = new VhdxImage();
        v.extraItems.add(new Object[] {VhdxImage.PARENT_LOCATOR, 4});
        assertCode(inspect(v.build()), Reason.BACKING_FILE, "Parent Locator");

        v = new VhdxImage();
        v.extraItems.add(new Object[] {UUID.randomUUID(), 4});
        assertCode(inspect(v.build()), Reason.UNSUPPORTED_FEATURE, "unknown required metadata item");
        v.extraItems.set(0, new Object[] {UUID.randomUUID(), 1}); // a user item, not required: fine
        assertThat(inspect(v.build()).accepted()).isTrue();

        v = new VhdxImage();
        v.blockSize = 3 * MIB;
        assertCode(inspect(v.build()), Reason.BAD_HEADER, "block size 3145728");
        v = new VhdxImage();
        v.logicalSector = 1024;
        assertCode(inspect(v.build()), Reason.BAD_HEADER, "sector sizes");
        v = new VhdxImage();
        v.virtualSize = 1000;
        assertCode(inspect(v.build()), Reason.BAD_HEADER, "virtual disk size 1000");

        byte[] img = new VhdxImage().build();
        img[VhdxImage.META_AT] = 'X';
        assertCode(inspect(img), Reason.BAD_HEADER, "'metadata' table");
        img = new VhdxImage().build();
        le32(img, VhdxImage.META_AT + 32 + 16, 0x10_0000 - 4); // file parameters at the region's end
        assertCode(inspect(img), Reason.BAD_HEADER, "outside the metadata region");
        img = new VhdxImage().build();
        le32(img, VhdxImage.META_AT + 64 + 16, 64 * 1024 + 4); // virtual disk size overlaps file parameters
        assertCode(inspect(img), Reason.BAD_HEADER, "overlap");
        img = new VhdxImage().build();
        le32(img, VhdxImage.META_AT + 10, 0x0FFF); // 4095 entries
        assertCode(inspect(img), Reason.BAD_HEADER, "'metadata' table");
    }

    @Test
    void limits() throws IOException {
        VhdxImage v = new VhdxImage();
        v.virtualSize = 17L * MIB;
        Inspection in = inspect(v.build());
        assertCode(in, Reason.VIRTUAL_SIZE_LIMIT, "17825792");
        assertThat(in.virtualSize()).isEqualTo(17L * MIB);
        v = new VhdxImage();
        v.virtualSize = 16L * MIB;
        v.allocated = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertCode(inspect(v.build()), Reason.FILE_SIZE_LIMIT, "file size");
        v.allocated = List.of(0, 1);
        assertThat(inspect(v.build()).accepted()).isTrue();
    }

    @Test
    void batEntries() throws IOException {
        VhdxImage v = new VhdxImage();
        v.allocated = List.of(0);
        byte[] img = v.build();
        VhdxImage.setBat(img, 1, (64L * MIB) | 6);
        assertCode(inspect(img, Limits.NONE), Reason.TRUNCATED, "payload block 1");
        VhdxImage.setBat(img, 1, (4L * MIB) | 6);
        assertCode(inspect(img), Reason.METADATA_OVERLAP, "payload block 1");
        VhdxImage.setBat(img, 1, (3L * MIB) | 6);
        assertCode(inspect(img), Reason.METADATA_OVERLAP, "overlaps the headers, log, BAT, metadata");
        VhdxImage.setBat(img, 1, 6);
        assertCode(inspect(img), Reason.METADATA_OVERLAP, "payload block 1");
        VhdxImage.setBat(img, 1, 7);
        assertCode(inspect(img), Reason.BAD_HEADER, "PARTIALLY_PRESENT");
        VhdxImage.setBat(img, 1, 4);
        assertCode(inspect(img), Reason.BAD_HEADER, "undefined state 4");
        for (long state : new long[] {0, 1, 2, 3, 5}) {
            VhdxImage.setBat(img, 1, state);
            assertThat(inspect(img).accepted()).as("state " + state).isTrue();
        }
    }

    @Test
    void batRegionTooSmallForTheVirtualSize() throws IOException {
        VhdxImage v = new VhdxImage();
        v.virtualSize = 1L << 40; // 1 TiB in 1 MiB blocks: 1M payload entries, 8 MiB > the 1 MiB region
        assertCode(inspect(v.build(), Limits.NONE), Reason.BAD_HEADER, "cannot hold");
    }

    @Test
    void probe() throws IOException {
        VhdxInspector inspector = new VhdxInspector();
        assertThat(inspector.probe(new ByteArrayReadSource(new VhdxImage().build()))).isTrue();
        assertThat(inspector.probe(new ByteArrayReadSource(new byte[4096]))).isFalse();
    }

    @Test
    void garbageIsABadHeader() throws IOException {
        assertCode(inspect(new byte[0]), Reason.BAD_HEADER, "vhdxfile");
        assertCode(inspect(new byte[2 * MIB]), Reason.BAD_HEADER, "vhdxfile");
    }
}
