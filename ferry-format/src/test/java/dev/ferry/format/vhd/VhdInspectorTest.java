package dev.ferry.format.vhd;

import static dev.ferry.format.vhd.VhdImage.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VhdInspectorTest {
    private static final Limits LIMITS = new Limits(16 * MIB, 16 * MIB);

    static Inspection inspect(byte[] image) throws IOException {
        return inspect(image, LIMITS);
    }

    static Inspection inspect(byte[] image, Limits limits) throws IOException {
        return new VhdInspector().inspect(new ByteArrayReadSource(image), limits);
    }

    static void assertCode(Inspection in, String code, String detail) {
        assertThat(in.rejection()).as(in.toString()).isNotNull();
        assertThat(in.rejection().code()).as(in.toString()).isEqualTo(code);
        assertThat(in.rejection().message()).contains(detail);
        assertThat(in.format()).isEqualTo(DiskFormat.VHD);
    }

    @Nested
    class Accepted {
        @Test
        void fixedDisk() throws IOException {
            Inspection in = inspect(VhdImage.fixed().build());
            assertThat(in.accepted()).as(in.toString()).isTrue();
            assertThat(in.subformat()).isEqualTo("fixed");
            assertThat(in.virtualSize()).isEqualTo(8 * MIB);
            assertThat(in.fileSize()).isEqualTo(8 * MIB + 512);
        }

        @Test
        void dynamicDiskWithAllocatedBlocks() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.allocated = List.of(2, 0);
            Inspection in = inspect(v.build());
            assertThat(in.accepted()).as(in.toString()).isTrue();
            assertThat(in.subformat()).isEqualTo("dynamic");
            assertThat(in.virtualSize()).isEqualTo(8 * MIB);
        }

        @Test
        void qemuSizeIsChsForMostCreatorsAndCurrentSizeForOthers() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.creator = "vpc ";
            assertThat(inspect(v.build()).qemuVirtualSize()).isEqualTo(240L * 4 * 17 * 512);
            for (String creator : List.of("win ", "qem2", "d2v ", "CTXS", "tap\0")) {
                v.creator = creator;
                assertThat(inspect(v.build()).qemuVirtualSize()).as(creator).isEqualTo(8 * MIB);
            }
            v.creator = "qemu";
            v.cylinders = 65535;
            v.heads = 16;
            v.sectorsPerTrack = 255;
            Inspection in = inspect(v.build());
            assertThat(in.accepted()).as(in.toString()).isTrue();
            assertThat(in.qemuVirtualSize()).isEqualTo(8 * MIB);
        }

        @Test
        void fixedDiskWithAnMbrInSectorZero() throws IOException {
            VhdImage v = VhdImage.fixed();
            v.sector0 = new byte[512];
            v.sector0[510] = 0x55;
            v.sector0[511] = (byte) 0xAA;
            v.sector0[446 + 4] = (byte) 0xEE;
            assertThat(inspect(v.build()).accepted()).isTrue();
        }

        @Test
        void dynamicDiskExactlyAtTheLimitWithNothingAllocated() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.currentSize = 16 * MIB;
            v.creator = "qem2";
            assertThat(inspect(v.build()).accepted()).isTrue();
        }
    }

    @Nested
    class NotAVhd396 {
        @Test
        void emptyAndTinyFiles() throws IOException {
            assertCode(inspect(new byte[0]), "396", "empty");
            assertCode(inspect(new byte[100]), "396", "100 bytes");
            assertThat(inspect(new byte[100]).virtualSize()).isEqualTo(-1);
        }

        @Test
        void noCookie() throws IOException {
            byte[] img = VhdImage.fixed().build();
            img[img.length - 512 + 7] = 'X';
            Inspection in = inspect(img);
            assertCode(in, "396", "cookie");
            assertThat(in.virtualSize()).isEqualTo(-1);
        }

        @Test
        void qcow2ContentClaimedAsVhd() throws IOException {
            byte[] img = new byte[4096];
            img[0] = 'Q';
            img[1] = 'F';
            img[2] = 'I';
            img[3] = (byte) 0xFB;
            assertCode(inspect(img), "396", "cookie");
        }

        @Test
        void badChecksumStillReportsTheFootersSize() throws IOException {
            byte[] img = VhdImage.fixed().build();
            img[img.length - 512 + 67]++;
            Inspection in = inspect(img);
            assertCode(in, "396", "checksum");
            assertThat(in.virtualSize()).isEqualTo(8 * MIB);
        }

        @Test
        void badVersion() throws IOException {
            byte[] img = VhdImage.fixed().build();
            VhdImage.putInt(img, img.length - 512 + 12, 0x00020000);
            VhdImage.resealFooters(img, false);
            assertCode(inspect(img), "396", "version 0x00020000");
        }

        @Test
        void dynamicDiskWithoutCopyAtOffsetZero() throws IOException {
            byte[] img = VhdImage.dynamic().build();
            img[0] = 'X';
            assertCode(inspect(img), "396", "requires a footer copy at offset 0");
        }

        @Test
        void copyAtOffsetZeroWithBadChecksum() throws IOException {
            byte[] img = VhdImage.dynamic().build();
            img[67]++;
            assertCode(inspect(img), "396", "copy at offset 0 has a bad checksum");
        }

        @Test
        void copiesDiffer() throws IOException {
            byte[] img = VhdImage.dynamic().build();
            VhdImage.putInt(img, 24, 12345);
            VhdImage.resealFooters(img, true);
            assertCode(inspect(img), "396", "differs");
        }

        @Test
        void trailingJunkAndTruncation() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.allocated = List.of(0);
            byte[] img = v.build();
            Inspection junk = inspect(Arrays.copyOf(img, img.length + 4096));
            assertCode(junk, "396", "truncated or has data after its footer");
            assertThat(junk.virtualSize()).isEqualTo(8 * MIB);
            assertCode(inspect(Arrays.copyOf(img, img.length - 1000)), "396", "truncated");
        }

        @Test
        void fixedFooterCannotStandForADynamicDisk() throws IOException {
            byte[] img = VhdImage.fixed().build();
            VhdImage.putInt(img, img.length - 512 + 60, 3);
            VhdImage.resealFooters(img, false);
            assertCode(inspect(img), "396", "requires a footer copy");
        }
    }

    @Nested
    class Codes721To609 {
        @Test
        void differencingDiskHasAParent() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.diskType = VhdImage.DIFFERENCING;
            assertCode(inspect(v.build()), "721", "differencing");
        }

        @Test
        void dynamicHeaderNamingAParent() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.parentName = "C:\\base.vhd";
            assertCode(inspect(v.build()), "721", "names a parent");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 5, 6, 99})
        void onlyFixedOrDynamic(int type) throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.diskType = type;
            assertCode(inspect(v.build()), "523", "disk type " + type);
        }

        @Test
        void zeroUuid() throws IOException {
            VhdImage v = VhdImage.fixed();
            v.uuidHigh = 0;
            v.uuidLow = 0;
            assertCode(inspect(v.build()), "614", "unique id");
        }

        @Test
        void virtualSizeOverTheLimit() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.currentSize = 18 * MIB;
            Inspection in = inspect(v.build());
            assertCode(in, "413", "virtual size 18874368");
            assertThat(in.virtualSize()).isEqualTo(18 * MIB);
        }

        @Test
        void virtualSizeCheckUsesTheLargerOfCurrentSizeAndQemusChsSize() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.currentSize = 16 * MIB;
            v.creator = "vpc ";
            v.cylinders = 1000; // 1000*4*17*512 = 34816000 > 16 MiB
            assertCode(inspect(v.build()), "413", "34816000");
        }

        @Test
        void currentSizeBeyondSignedRangeIsOverAnyLimit() throws IOException {
            VhdImage v = VhdImage.fixed();
            byte[] img = v.build();
            ByteArrays.putLong(img, img.length - 512 + 48, -2L);
            VhdImage.resealFooters(img, false);
            Inspection in = inspect(img, Limits.NONE);
            assertCode(in, "413", "18446744073709551614");
            assertThat(in.virtualSize()).isEqualTo(-1);
        }

        @Test
        void fixedDiskOfExactlyTheLimitExceedsThePhysicalLimit() throws IOException {
            VhdImage v = VhdImage.fixed();
            v.currentSize = 16 * MIB;
            assertCode(inspect(v.build()), "609", "file size 16777728");
        }

        @Test
        void fullyAllocatedDynamicDiskAtTheLimitExceedsThePhysicalLimit() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.currentSize = 16 * MIB;
            v.creator = "qem2";
            v.allocated = List.of(0, 1, 2, 3, 4, 5, 6, 7);
            assertCode(inspect(v.build()), "609", "file size");
        }

        @Test
        void firstFailingCheckWinsInRackspaceOrder() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.diskType = VhdImage.DIFFERENCING;
            v.uuidHigh = 0;
            v.uuidLow = 0;
            v.currentSize = 64 * MIB;
            assertCode(inspect(v.build()), "721", "differencing");
            v.diskType = 0;
            assertCode(inspect(v.build()), "523", "disk type 0");
            v.diskType = VhdImage.DYNAMIC;
            assertCode(inspect(v.build()), "614", "unique id");
            v.uuidHigh = 1;
            v.savedState = 1;
            assertCode(inspect(v.build()), "413", "virtual size");
            v.currentSize = 8 * MIB;
            v.maxTableEntries = 40L; // still a valid layout
            v.allocated = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8);
            assertCode(inspect(v.build()), "609", "file size");
            v.allocated = List.of();
            assertCode(inspect(v.build()), "111", "saved-state");
        }
    }

    @Nested
    class Unspecified111 {
        @Test
        void savedStateAndFeatures() throws IOException {
            VhdImage v = VhdImage.fixed();
            v.savedState = 1;
            assertCode(inspect(v.build()), "111", "saved-state");
            v.savedState = 0;
            v.features = 0;
            assertCode(inspect(v.build()), "111", "reserved bit");
            v.features = 0x12;
            assertCode(inspect(v.build()), "111", "unknown bits");
        }

        @Test
        void fixedDiskWithADataOffset() throws IOException {
            VhdImage v = VhdImage.fixed();
            v.dataOffset = 512L;
            assertCode(inspect(v.build()), "111", "data offset 512");
        }

        @Test
        void fixedDiskWhoseSizeDisagreesWithTheFile() throws IOException {
            VhdImage v = VhdImage.fixed();
            byte[] img = v.build();
            byte[] cut = Arrays.copyOfRange(img, 512, img.length);
            assertCode(inspect(cut), "111", "bytes of data before the footer");
        }

        @ParameterizedTest
        @ValueSource(strings = {"QFI\u00fb", "QED\0", "KDMV", "COWD", "vhdxfile", "conectix", "# Disk DescriptorFile"})
        void fixedDiskWhoseSectorZeroIsAnotherFormat(String magic) throws IOException {
            VhdImage v = VhdImage.fixed();
            v.sector0 = magic.getBytes(StandardCharsets.ISO_8859_1);
            assertCode(inspect(v.build()), "111", "valid as two formats");
        }

        @Test
        void dataOffsetPastTheEnd() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.dataOffset = 0x80_0000_0000L;
            assertCode(inspect(v.build()), "111", "data offset 549755813888");
            v.dataOffset = 0L;
            assertCode(inspect(v.build()), "111", "data offset 0");
            v.dataOffset = 700L;
            assertCode(inspect(v.build()), "111", "data offset 700");
        }

        @Test
        void dynamicHeaderProblems() throws IOException {
            byte[] img = VhdImage.dynamic().build();
            byte[] bad = img.clone();
            bad[512] = 'X';
            assertCode(inspect(bad), "111", "cxsparse");
            bad = img.clone();
            bad[512 + 39]++;
            assertCode(inspect(bad), "111", "dynamic header checksum");
            bad = img.clone();
            VhdImage.putInt(bad, 512 + 24, 0x00020000);
            VhdImage.resealHeader(bad, 512);
            assertCode(inspect(bad), "111", "header version");
        }

        @ParameterizedTest
        @ValueSource(longs = {3 * MIB, 256, 512L * MIB})
        void blockSizeNotAPowerOfTwoInRange(long blockSize) throws IOException {
            byte[] img = VhdImage.dynamic().build();
            VhdImage.putInt(img, 512 + 32, (int) blockSize);
            VhdImage.resealHeader(img, 512);
            assertCode(inspect(img), "111", "block size " + blockSize);
        }

        @Test
        void tableTooSmallOrTooLarge() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.maxTableEntries = 1L;
            assertCode(inspect(v.build()), "111", "does not cover");
            byte[] img = VhdImage.dynamic().build();
            VhdImage.putInt(img, 512 + 28, 0x7FFF_FFFF);
            VhdImage.resealHeader(img, 512);
            assertCode(inspect(img), "111", "exceeds");
        }

        @Test
        void batOutsideTheFileOrOnTheHeader() throws IOException {
            byte[] img = VhdImage.dynamic().build();
            byte[] bad = img.clone();
            ByteArrays.putLong(bad, 512 + 16, 1L << 40);
            VhdImage.resealHeader(bad, 512);
            assertCode(inspect(bad), "111", "BAT at 1099511627776");
            bad = img.clone();
            ByteArrays.putLong(bad, 512 + 16, 1024);
            VhdImage.resealHeader(bad, 512);
            assertCode(inspect(bad), "111", "overlaps the dynamic header");
        }

        @Test
        void blockPastTheEndOfTheFile() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.allocated = List.of(0);
            byte[] img = v.build();
            VhdImage.putInt(img, 1536 + 4, 0x100000);
            assertCode(inspect(img), "111", "past the end of the file");
        }

        @Test
        void blockOverTheTrailingFooter() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.allocated = List.of(0);
            byte[] img = v.build();
            VhdImage.putInt(img, 1536, (int) (v.firstBlockOffset() / 512 + 1));
            assertCode(inspect(img), "111", "overlaps the trailing footer");
        }

        @Test
        void blockOnTheMetadata() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.allocated = List.of(0);
            byte[] img = v.build();
            VhdImage.putInt(img, 1536 + 4, 1);
            assertCode(inspect(img), "111", "overlaps the footer copy, dynamic header or BAT");
            VhdImage.putInt(img, 1536 + 4, 0);
            assertCode(inspect(img), "111", "overlaps the footer copy");
        }

        @Test
        void twoBlocksSharingStorage() throws IOException {
            VhdImage v = VhdImage.dynamic();
            v.allocated = List.of(0, 1);
            byte[] img = v.build();
            byte[] same = img.clone();
            VhdImage.putInt(same, 1536 + 4, (int) (v.firstBlockOffset() / 512));
            assertCode(inspect(same), "111", "BAT[0] and BAT[1] share storage");
            byte[] partial = img.clone();
            VhdImage.putInt(partial, 1536 + 4, (int) (v.firstBlockOffset() / 512 + 8));
            assertCode(inspect(partial), "111", "share storage");
        }
    }

    @Test
    void a41GiBDynamicDiskFailsTheRackspaceLimit() throws IOException {
        VhdImage v = VhdImage.dynamic();
        v.currentSize = 44_024_832_000L;
        v.cylinders = 21075;
        v.heads = 16;
        v.sectorsPerTrack = 255;
        byte[] img = v.build();
        assertThat(img.length).isEqualTo(86_528);
        Inspection in = inspect(img, Limits.RACKSPACE);
        assertCode(in, "413", "virtual size 44024832000 bytes > limit 42949672960");
        assertThat(in.virtualSize()).isEqualTo(44_024_832_000L);
        assertThat(inspect(img, Limits.NONE).accepted()).isTrue();
    }

    @Test
    void probeFindsBothFooterPlaces() throws IOException {
        VhdInspector inspector = new VhdInspector();
        assertThat(inspector.probe(new ByteArrayReadSource(VhdImage.fixed().build()))).isTrue();
        byte[] dyn = VhdImage.dynamic().build();
        assertThat(inspector.probe(new ByteArrayReadSource(Arrays.copyOf(dyn, dyn.length + 100)))).isTrue();
        assertThat(inspector.probe(new ByteArrayReadSource(new byte[2048]))).isFalse();
    }
}
