package dev.ferry.format.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.Verdict;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each rejection code on an image built in code, and the acceptances a reader must not refuse. */
class Qcow2InspectorTest {
    private static final long MIB = 1L << 20;
    private final Qcow2Inspector inspector = new Qcow2Inspector();

    private Inspection inspect(byte[] image) throws IOException {
        return inspect(image, Limits.NONE);
    }

    private Inspection inspect(byte[] image, Limits limits) throws IOException {
        return inspector.inspect(new ByteArrayReadSource(image), limits);
    }

    private void assertRejected(byte[] image, String code) throws IOException {
        Inspection in = inspect(image);
        assertThat(in.verdict()).as("%s", in).isEqualTo(Verdict.REJECT);
        assertThat(in.rejection().code()).as("%s", in.rejection()).isEqualTo(code);
        assertThat(in.format().glanceName()).isEqualTo("qcow2");
    }

    private static Qcow2ImageBuilder withData() {
        return Qcow2ImageBuilder.v3().data(0, 0x11).data(5, 0x22).data(300, 0x33);
    }

    // --- acceptances ---

    @Test
    void acceptsV3WithDataAndReportsTheHeaderSize() throws IOException {
        Inspection in = inspect(withData().size(3 * MIB + 512).build());
        assertThat(in.verdict()).as("%s", in).isEqualTo(Verdict.ACCEPT);
        assertThat(in.virtualSize()).isEqualTo(3 * MIB + 512);
        assertThat(in.qemuVirtualSize()).isEqualTo(3 * MIB + 512);
        assertThat(in.subformat()).isEqualTo("v3");
    }

    @Test
    void acceptsV2() throws IOException {
        Inspection in = inspect(Qcow2ImageBuilder.v2().data(1, 1).build());
        assertThat(in.verdict()).as("%s", in).isEqualTo(Verdict.ACCEPT);
        assertThat(in.subformat()).isEqualTo("v2");
    }

    @Test
    void acceptsEmptyImageWhoseFileEndsInsideTheL1Cluster() throws IOException {
        Qcow2ImageBuilder b = Qcow2ImageBuilder.v3();
        byte[] image = b.truncate((int) b.l1Offset() + 8).build();
        assertThat(inspect(image).verdict()).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void acceptsDirtyZstdLazyAndUnknownIgnorableBits() throws IOException {
        byte[] image = withData()
                .incompatible(IncompatibleFeature.DIRTY.mask())
                .zstd()
                .compatible(1L << CompatibleFeature.LAZY_REFCOUNTS.bit() | 1L << 5 | 1L << 63)
                .autoclear(1L << 5 | 1L << 40)
                .extension(0x12345678, new byte[0])
                .extension(HeaderExtension.FEATURE_NAME_TABLE, new byte[48 * 3])
                .build();
        Inspection in = inspect(image);
        assertThat(in.verdict()).as("%s", in).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void acceptsZeroFlagAndCompressedClusters() throws IOException {
        Qcow2ImageBuilder b = withData();
        byte[] plain = b.build();
        long dataAt = Qcow2ImageBuilder.dataOffset(plain, 5);
        L2Entry probe = new L2Entry(0, 12);
        long compressed = L2Entry.COMPRESSED | (1L << probe.compressedOffsetBits()) | (dataAt + 100);
        byte[] image = withData()
                .l2Entry(7, L2Entry.ZERO)
                .l2Entry(8, compressed)
                .build();
        assertThat(inspect(image).verdict()).as("%s", inspect(image)).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void acceptsAnInternalSnapshot() throws IOException {
        Inspection in = inspect(withData().snapshot().build());
        assertThat(in.verdict()).as("%s", in).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void snapshotL1TableOnTheActiveL1IsAnOverlap() throws IOException {
        Qcow2ImageBuilder b = withData().snapshot();
        byte[] image = b.build();
        long table = java.nio.ByteBuffer.wrap(image).getLong(64);
        assertRejected(withData().snapshot().patch(table, 8, b.l1Offset()).build(), Reason.METADATA_OVERLAP);
        assertRejected(withData().snapshot().patch(table, 8, 1L << 40).build(), Reason.TRUNCATED);
        assertRejected(withData().snapshot().patch(table + 36, 4, 5000).build(), Reason.BAD_HEADER);
    }

    @Test
    void acceptsSixtyFourTebibytesInASmallFileWhenUnlimited() throws IOException {
        byte[] image = Qcow2ImageBuilder.v3().clusterBits(16).size(64L << 40).data(1_000_000, 7).build();
        assertThat(image.length).isLessThan(2 * (int) MIB);
        Inspection in = inspect(image, Limits.NONE);
        assertThat(in.verdict()).as("%s", in).isEqualTo(Verdict.ACCEPT);
        assertThat(in.virtualSize()).isEqualTo(64L << 40);
    }

    @Test
    void protectiveMbrInClusterZeroIsForTheFacadeToJudge() throws IOException {
        // qcow2 + MBR is MULTIPLE_FORMATS, a cross-format rule of the detection facade; the qcow2
        // inspector alone sees a valid image (the MBR bytes lie in unused space of cluster 0).
        byte[] image = withData().patch(446 + 4, 1, 0xEE).patch(510, 2, 0x55AA).build();
        Inspection in = inspect(image);
        assertThat(in.verdict()).as("%s", in).isEqualTo(Verdict.ACCEPT);
    }

    // --- limits ---

    @Test
    void virtualSizeOverTheLimit() throws IOException {
        byte[] image = Qcow2ImageBuilder.v3().clusterBits(16).size(64L << 40).build();
        Inspection in = inspect(image, new Limits(16 * MIB, 16 * MIB));
        assertThat(in.rejection().code()).isEqualTo(Reason.VIRTUAL_SIZE_LIMIT);
        assertThat(in.virtualSize()).isEqualTo(64L << 40);
    }

    @Test
    void fileSizeOverTheLimit() throws IOException {
        byte[] image = withData().build();
        Inspection in = inspect(image, new Limits(16 * MIB, image.length - 1));
        assertThat(in.rejection().code()).isEqualTo(Reason.FILE_SIZE_LIMIT);
        assertThat(inspect(image, new Limits(16 * MIB, image.length)).accepted()).isTrue();
    }

    // --- header ---

    @Test
    void emptyFile() throws IOException {
        assertRejected(new byte[0], Reason.EMPTY_FILE);
    }

    @Test
    void fileShorterThanItsHeaderIsTruncated() throws IOException {
        byte[] image = withData().build();
        assertRejected(java.util.Arrays.copyOf(image, 100), Reason.TRUNCATED);
        assertRejected(java.util.Arrays.copyOf(image, 6), Reason.TRUNCATED);
        assertRejected(java.util.Arrays.copyOf(Qcow2ImageBuilder.v2().build(), 60), Reason.TRUNCATED);
    }

    @Test
    void qcowVersion1And4AreUnsupportedVersions() throws IOException {
        for (int v : new int[] {1, 4, 0, -1}) {
            byte[] image = withData().patch(4, 4, v).build();
            assertThat(inspector.probe(new ByteArrayReadSource(image))).isTrue();
            Inspection in = inspect(image);
            assertThat(in.rejection().code()).as("version %d", v).isEqualTo(Reason.UNSUPPORTED_VERSION);
            assertThat(in.virtualSize()).isEqualTo(MIB);
        }
    }

    @Test
    void clusterBitsOutsideNineToTwentyOne() throws IOException {
        assertRejected(withData().patch(20, 4, 8).build(), Reason.BAD_HEADER);
        assertRejected(withData().patch(20, 4, 22).build(), Reason.BAD_HEADER);
        assertRejected(withData().patch(20, 4, -1).build(), Reason.BAD_HEADER);
    }

    @Test
    void badHeaderLengthRefcountOrderAndCompressionType() throws IOException {
        assertRejected(withData().patch(100, 4, 108).build(), Reason.BAD_HEADER);
        assertRejected(withData().patch(100, 4, 96).build(), Reason.BAD_HEADER);
        assertRejected(withData().patch(100, 4, 1 << 20).build(), Reason.BAD_HEADER);
        assertRejected(withData().patch(96, 4, 7).build(), Reason.BAD_HEADER);
        // zstd byte without bit 3, and bit 3 without the byte
        assertRejected(withData().patch(104, 1, 1).build(), Reason.BAD_HEADER);
        assertRejected(withData().incompatible(IncompatibleFeature.COMPRESSION_TYPE.mask()).build(), Reason.BAD_HEADER);
        assertRejected(withData().incompatible(IncompatibleFeature.COMPRESSION_TYPE.mask()).patch(104, 1, 2).build(),
                Reason.UNSUPPORTED_FEATURE);
    }

    @Test
    void l1SizeTooSmallOrHuge() throws IOException {
        assertRejected(withData().size(64 * MIB).l1Size(1).build(), Reason.BAD_HEADER);
        assertRejected(withData().patch(36, 4, 0x10000000).build(), Reason.BAD_HEADER);
        // bigger than needed and past the end of the file
        assertRejected(withData().patch(36, 4, 100_000).build(), Reason.BAD_HEADER);
    }

    @Test
    void unalignedTableOffsets() throws IOException {
        assertRejected(withData().patch(40, 8, 3 * 4096 + 8).build(), Reason.BAD_HEADER);
        assertRejected(withData().patch(48, 8, 4096 + 512).build(), Reason.BAD_HEADER);
        assertRejected(withData().patch(56, 4, 0).build(), Reason.BAD_HEADER);
    }

    @Test
    void refcountTablePastTheEndIsTruncated() throws IOException {
        assertRejected(withData().patch(48, 8, 1L << 40).build(), Reason.TRUNCATED);
    }

    @Test
    void snapshotTableChecks() throws IOException {
        assertRejected(withData().patch(60, 4, 1).patch(64, 8, 1L << 40).build(), Reason.TRUNCATED);
        assertRejected(withData().patch(60, 4, 1).patch(64, 8, 4096 + 8).build(), Reason.BAD_HEADER);
        assertRejected(withData().patch(60, 4, 70_000).patch(64, 8, 4096).build(), Reason.BAD_HEADER);
    }

    // --- references out of the image, encryption, feature bits ---

    @Test
    void backingFilePathOrJson() throws IOException {
        assertRejected(withData().backingFile("/etc/hosts").build(), Reason.BACKING_FILE);
        assertRejected(withData().backingFile("json:{\"driver\":\"file\",\"filename\":\"/etc/passwd\"}").build(), Reason.BACKING_FILE);
        assertRejected(withData().extension(HeaderExtension.BACKING_FORMAT, Qcow2ImageBuilder.ascii("raw")).build(), Reason.BACKING_FILE);
        // a name offset near 2^63 must not overflow into a read
        assertRejected(withData().patch(8, 8, Long.MAX_VALUE - 4).patch(16, 4, 100).build(), Reason.BACKING_FILE);
        Inspection in = inspect(withData().backingFile("/etc/hosts").build());
        assertThat(in.rejection().message()).contains("/etc/hosts");
    }

    @Test
    void externalDataFileWithOrWithoutTheExtension() throws IOException {
        assertRejected(withData().incompatible(IncompatibleFeature.EXTERNAL_DATA_FILE.mask()).build(), Reason.DATA_FILE);
        assertRejected(withData().incompatible(IncompatibleFeature.EXTERNAL_DATA_FILE.mask())
                .extension(HeaderExtension.EXTERNAL_DATA_FILE, Qcow2ImageBuilder.ascii("/etc/passwd"))
                .autoclear(1L << AutoclearFeature.RAW_EXTERNAL_DATA.bit()).build(), Reason.DATA_FILE);
        assertRejected(withData().extension(HeaderExtension.EXTERNAL_DATA_FILE, Qcow2ImageBuilder.ascii("/etc/passwd")).build(),
                Reason.DATA_FILE);
        assertRejected(withData().autoclear(1L << AutoclearFeature.RAW_EXTERNAL_DATA.bit()).build(), Reason.DATA_FILE);
    }

    @Test
    void encryption() throws IOException {
        assertRejected(withData().cryptMethod(1).build(), Reason.ENCRYPTED);
        assertRejected(withData().cryptMethod(2).extension(HeaderExtension.FULL_DISK_ENCRYPTION, new byte[16]).build(), Reason.ENCRYPTED);
        assertRejected(withData().extension(HeaderExtension.FULL_DISK_ENCRYPTION, new byte[16]).build(), Reason.ENCRYPTED);
    }

    @Test
    void corruptUnknownAndUnsupportedIncompatibleBits() throws IOException {
        assertRejected(withData().incompatible(IncompatibleFeature.CORRUPT.mask()).build(), Reason.CORRUPT_FLAG);
        assertRejected(withData().incompatible(1L << 5).build(), Reason.UNKNOWN_INCOMPATIBLE_FEATURE);
        assertRejected(withData().incompatible(1L << 63).build(), Reason.UNKNOWN_INCOMPATIBLE_FEATURE);
        assertRejected(withData().incompatible(IncompatibleFeature.EXTENDED_L2.mask()).build(), Reason.UNSUPPORTED_FEATURE);
    }

    @Test
    void extensionListMustEndInsideClusterZeroWithoutDuplicates() throws IOException {
        assertRejected(withData().extension(0x12345678, new byte[8]).extension(0x12345678, new byte[8]).build(), Reason.BAD_HEADER);
        assertRejected(withData().extension(0x12345678, new byte[4096]).build(), Reason.BAD_HEADER);
        // an extension claiming 4 GiB of data
        assertRejected(withData().extension(0x12345678, new byte[0]).patch(112 + 4, 4, -1).build(), Reason.BAD_HEADER);
    }

    // --- table walk ---

    @Test
    void l2TablePastTheEndIsTruncated() throws IOException {
        Qcow2ImageBuilder b = withData();
        byte[] image = b.build();
        assertRejected(java.util.Arrays.copyOf(image, (int) b.firstL2Offset() + 100), Reason.TRUNCATED);
    }

    @Test
    void dataClusterPastTheEndIsTruncated() throws IOException {
        byte[] image = withData().build();
        assertRejected(java.util.Arrays.copyOf(image, image.length - 4096), Reason.TRUNCATED);
        assertRejected(withData().l2Entry(9, 1L << 40).build(), Reason.TRUNCATED);
        L2Entry probe = new L2Entry(0, 12);
        assertRejected(withData().l2Entry(9, L2Entry.COMPRESSED | ((1L << probe.compressedOffsetBits()) - 1)).build(), Reason.TRUNCATED);
        // starts inside the file, but its sectors run past the last one
        long last = image.length - 600;
        assertRejected(withData().l2Entry(9, L2Entry.COMPRESSED | (3L << probe.compressedOffsetBits()) | last).build(), Reason.TRUNCATED);
        assertThat(inspect(withData().l2Entry(9, L2Entry.COMPRESSED | (1L << probe.compressedOffsetBits()) | last).build()).accepted())
                .isTrue();
    }

    @Test
    void dataClusterInMetadataIsAnOverlap() throws IOException {
        Qcow2ImageBuilder b = withData();
        assertRejected(withData().l2Entry(9, b.l1Offset()).build(), Reason.METADATA_OVERLAP);
        assertRejected(withData().l2Entry(9, 2 * b.clusterSize()).build(), Reason.METADATA_OVERLAP); // refcount block
        assertRejected(withData().l2Entry(9, b.firstL2Offset()).build(), Reason.METADATA_OVERLAP);
        assertRejected(withData().l2Entry(9, L2Entry.COMPRESSED | 4096 + 17).build(), Reason.METADATA_OVERLAP);
    }

    @Test
    void l1EntryIntoMetadataOrSharedL2Table() throws IOException {
        Qcow2ImageBuilder b = withData();
        assertRejected(withData().patch(b.l1Offset(), 8, 4096).build(), Reason.METADATA_OVERLAP);
        assertRejected(withData().size(4 * MIB).patch(b.l1Offset() + 8, 8, b.firstL2Offset()).build(), Reason.METADATA_OVERLAP);
    }

    @Test
    void manyL1EntriesSharingOneL2TableStopAtTheFileClusterCount() throws IOException {
        // a 64 TiB image whose 131072 L1 entries all name the same L2 table: refused as an overlap
        // once more L2 tables are named than the file has clusters, without tracking them all
        Qcow2ImageBuilder b = Qcow2ImageBuilder.v3().clusterBits(16).size(64L << 40).data(0, 1);
        byte[] image = b.build();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(image);
        long l2 = buf.getLong((int) b.l1Offset());
        for (int i = 1; i < b.l1Entries(); i++) {
            buf.putLong((int) b.l1Offset() + 8 * i, l2);
        }
        Inspection in = inspect(image);
        assertThat(in.rejection().code()).isEqualTo(Reason.METADATA_OVERLAP);
        assertThat(in.rejection().message()).contains("more L2 tables than the file has clusters");
    }

    @Test
    void reservedAndUnalignedEntries() throws IOException {
        Qcow2ImageBuilder b = withData();
        long l2 = b.firstL2Offset();
        assertRejected(withData().patch(b.l1Offset(), 8, l2 | 1).build(), Reason.BAD_HEADER);
        assertRejected(withData().patch(b.l1Offset(), 8, l2 + 512).build(), Reason.BAD_HEADER);
        assertRejected(withData().l2Entry(9, 1L << 56).build(), Reason.BAD_HEADER);
        byte[] plain = withData().build();
        long data = Qcow2ImageBuilder.dataOffset(plain, 0);
        assertRejected(withData().l2Entry(9, data + 512).build(), Reason.BAD_HEADER);
        assertRejected(Qcow2ImageBuilder.v2().data(0, 1).l2Entry(9, L2Entry.ZERO).build(), Reason.BAD_HEADER);
    }

    @Test
    void l1EntryBeyondTheVirtualSize() throws IOException {
        Qcow2ImageBuilder b = withData().l1Size(4);
        assertRejected(b.patch(b.l1Offset() + 24, 8, b.firstL2Offset()).build(), Reason.BAD_HEADER);
    }

    @Test
    void validateGivesTheConverterTheCheckedLayoutOrTheFinding() throws Exception {
        byte[] image = withData().extension(0x12345678, new byte[3]).build();
        Qcow2Image img = inspector.validate(new ByteArrayReadSource(image), Limits.NONE);
        assertThat(img.header().size()).isEqualTo(MIB);
        assertThat(img.extensions()).extracting(HeaderExtension::type).containsExactly(0x12345678);
        assertThat(img.fileSize()).isEqualTo(image.length);
        byte[] corrupt = withData().incompatible(IncompatibleFeature.CORRUPT.mask()).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> inspector.validate(new ByteArrayReadSource(corrupt), Limits.NONE))
                .isInstanceOfSatisfying(Qcow2Exception.class, e -> assertThat(e.code()).isEqualTo(Reason.CORRUPT_FLAG));
    }

    @Test
    void messagesStartWithTheCode() throws IOException {
        Inspection in = inspect(withData().incompatible(IncompatibleFeature.CORRUPT.mask()).build());
        assertThat(in.rejection().message()).startsWith("CORRUPT_FLAG: ");
        assertThat(new String(in.rejection().message().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isNotBlank();
    }
}
