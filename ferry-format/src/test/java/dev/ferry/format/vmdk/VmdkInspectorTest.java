package dev.ferry.format.vmdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.Verdict;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Each rejection code on a VMDK built in code, and the three accepted shapes. */
class VmdkInspectorTest {
    private static final long MIB = 1L << 20;
    private final VmdkInspector inspector = new VmdkInspector();

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
        assertThat(in.format().glanceName()).isEqualTo("vmdk");
    }

    private static void assertAccepted(Inspection in, String subformat, long virtualSize) {
        assertThat(in.verdict()).as("%s", in).isEqualTo(Verdict.ACCEPT);
        assertThat(in.subformat()).isEqualTo(subformat);
        assertThat(in.virtualSize()).isEqualTo(virtualSize);
        assertThat(in.qemuVirtualSize()).isEqualTo(virtualSize);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static VmdkImageBuilder sparse() {
        return VmdkImageBuilder.monolithicSparse().grain(0, 1).grain(100, 2).grain(255, 3);
    }

    private static VmdkImageBuilder stream() {
        return VmdkImageBuilder.streamOptimized().grain(0, 1).grain(100, 2).grain(255, 3);
    }

    private static String descriptorWith(String extentLine, String extra) {
        return "# Disk DescriptorFile\nversion=1\nCID=d773dfe7\nparentCID=ffffffff\n" + extra
                + "createType=\"monolithicSparse\"\n" + extentLine + "\n";
    }

    // --- accepted ---

    @Test
    void acceptsMonolithicSparse() throws IOException {
        assertAccepted(inspect(sparse().build()), "monolithicSparse", MIB);
    }

    @Test
    void acceptsStreamOptimized() throws IOException {
        assertAccepted(inspect(stream().build()), "streamOptimized", MIB);
    }

    @Test
    void acceptsGrainDirectoryAtEndWithAValidFooter() throws IOException {
        assertAccepted(inspect(stream().withFooter().build()), "streamOptimized", MIB);
        assertAccepted(inspect(sparse().withFooter().build()), "monolithicSparse", MIB);
    }

    @Test
    void acceptsDescriptorWithCrLfAndTabs() throws IOException {
        String d = descriptorWith("RW 2048 SPARSE \"test.vmdk\"", "").replace("\n", "\r\n").replace("RW 2048", "RW\t2048");
        assertAccepted(inspect(sparse().descriptor(d).build()), "monolithicSparse", MIB);
    }

    @Test
    void validateGivesTheConverterTheCheckedLayoutOrTheFinding() throws Exception {
        byte[] image = stream().withFooter().build();
        VmdkImage img = inspector.validate(new ByteArrayReadSource(image), Limits.NONE);
        assertThat(img.streamOptimized()).isTrue();
        assertThat(img.header().gdAtEnd()).isTrue();
        assertThat(img.tables().gdAtEnd()).isFalse();
        assertThat(img.virtualSize()).isEqualTo(MIB);
        assertThat(img.descriptor().createType()).isEqualTo("streamOptimized");
        byte[] flat = text("# Disk DescriptorFile\ncreateType=\"monolithicFlat\"\nRW 2048 FLAT \"/etc/passwd\" 0\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> inspector.validate(new ByteArrayReadSource(flat), Limits.NONE))
                .isInstanceOfSatisfying(VmdkException.class, e -> assertThat(e.code()).isEqualTo(Reason.NAMED_EXTENT));
    }

    // --- text descriptors: never accepted ---

    @Test
    void flatDescriptorNamingAHostPath() throws IOException {
        String d = "# Disk DescriptorFile\nversion=1\nCID=c6e72bc7\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n"
                + "RW 2048 FLAT \"/etc/passwd\" 0\n";
        Inspection in = inspect(text(d));
        assertThat(in.rejection().code()).isEqualTo(Reason.NAMED_EXTENT);
        assertThat(in.virtualSize()).isEqualTo(MIB);
        assertThat(in.rejection().message()).contains("/etc/passwd");
    }

    @Test
    void flatAndSplitDescriptorsAreUnsupportedSubformats() throws IOException {
        assertRejected(text("# Disk DescriptorFile\nversion=1\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n"
                + "RW 2048 FLAT \"flat-flat.vmdk\" 0\n"), Reason.UNSUPPORTED_SUBFORMAT);
        assertRejected(text("# Disk DescriptorFile\nversion=1\nparentCID=ffffffff\ncreateType=\"twoGbMaxExtentSparse\"\n"
                + "RW 2048 SPARSE \"two-s001.vmdk\"\n"), Reason.UNSUPPORTED_SUBFORMAT);
        assertRejected(text("# Disk DescriptorFile\ncreateType=\"vmfs\"\nRW 2048 VMFS \"disk-flat.vmdk\"\n"), Reason.UNSUPPORTED_SUBFORMAT);
    }

    @Test
    void sparseDescriptorFileNamesAnotherFile() throws IOException {
        assertRejected(text(descriptorWith("RW 2048 SPARSE \"other.vmdk\"", "")), Reason.NAMED_EXTENT);
        assertRejected(text(descriptorWith("", "")), Reason.BAD_HEADER);
    }

    @Test
    void cowdIsAnUnsupportedSubformat() throws IOException {
        byte[] b = new byte[2048];
        b[0] = 'C';
        b[1] = 'O';
        b[2] = 'W';
        b[3] = 'D';
        assertThat(inspector.probe(new ByteArrayReadSource(b))).isTrue();
        assertRejected(b, Reason.UNSUPPORTED_SUBFORMAT);
    }

    @Test
    void notAVmdkAtAll() throws IOException {
        assertRejected(new byte[4096], Reason.BAD_HEADER);
        assertRejected(new byte[0], Reason.EMPTY_FILE);
    }

    // --- embedded descriptor ---

    @Test
    void embeddedExtentNamingAPath() throws IOException {
        assertRejected(sparse().descriptor(descriptorWith("RW 2048 SPARSE \"/etc/passwd\"", "")).build(), Reason.NAMED_EXTENT);
        assertRejected(sparse().descriptor(descriptorWith("RW 2048 SPARSE \"..\\\\secret\"", "")).build(), Reason.NAMED_EXTENT);
        assertRejected(sparse().descriptor(descriptorWith("RW 2048 SPARSE \"nbd:localhost:10809\"", "")).build(), Reason.NAMED_EXTENT);
    }

    @Test
    void embeddedFlatOrSecondExtent() throws IOException {
        assertRejected(sparse().descriptor(descriptorWith("RW 2048 FLAT \"disk-flat.vmdk\" 0", "")).build(), Reason.NAMED_EXTENT);
        assertRejected(sparse().descriptor(descriptorWith("RW 1024 SPARSE \"a.vmdk\"\nRW 1024 VMFS \"b.vmdk\"", "")).build(),
                Reason.NAMED_EXTENT);
        assertRejected(sparse().descriptor(descriptorWith("RW 1024 SPARSE \"a.vmdk\"\nRW 1024 SPARSE \"b.vmdk\"", "")).build(),
                Reason.BAD_HEADER);
        assertRejected(sparse().descriptor(descriptorWith("RW 4096 SPARSE \"a.vmdk\"", "")).build(), Reason.BAD_HEADER);
    }

    @Test
    void parentsAreBackingFiles() throws IOException {
        assertRejected(sparse().descriptor(descriptorWith("RW 2048 SPARSE \"test.vmdk\"", "parentFileNameHint=\"/etc/passwd\"\n")
                .replace("parentCID=ffffffff", "parentCID=12345678")).build(), Reason.BACKING_FILE);
        assertRejected(sparse().descriptor(descriptorWith("RW 2048 SPARSE \"test.vmdk\"", "")
                .replace("parentCID=ffffffff", "parentCID=12345678")).build(), Reason.BACKING_FILE);
    }

    @Test
    void embeddedCreateTypeMustBeSingleFile() throws IOException {
        assertRejected(sparse().createType("monolithicFlat").build(), Reason.UNSUPPORTED_SUBFORMAT);
        assertRejected(sparse().createType("twoGbMaxExtentSparse").build(), Reason.UNSUPPORTED_SUBFORMAT);
        // createType disagreeing with the header flags
        assertRejected(sparse().createType("streamOptimized").build(), Reason.BAD_HEADER);
        assertRejected(stream().createType("monolithicSparse").build(), Reason.BAD_HEADER);
    }

    @Test
    void strictDescriptorGrammar() throws IOException {
        String ok = descriptorWith("RW 2048 SPARSE \"test.vmdk\"", "");
        assertRejected(sparse().descriptor(ok.replace("createType=\"monolithicSparse\"", "createType monolithicSparse")).build(),
                Reason.BAD_HEADER);
        assertRejected(sparse().descriptor(ok.replace("RW 2048", "WRONLY 2048")).build(), Reason.BAD_HEADER);
        assertRejected(sparse().descriptor(ok.replace("SPARSE", "SPARKLE")).build(), Reason.BAD_HEADER);
        assertRejected(sparse().descriptor(ok + "version=2\n").build(), Reason.BAD_HEADER);
        assertRejected(sparse().descriptor(ok + "ddb.comment = \"caf\u00e9\"\n").build(), Reason.BAD_HEADER);
        assertRejected(sparse().descriptor(ok.replace("createType=\"monolithicSparse\"\n", "")).build(), Reason.BAD_HEADER);
        assertRejected(sparse().descriptor(ok.replace("RW 2048", "RW 99999999999999999999")).build(), Reason.BAD_HEADER);
    }

    // --- header ---

    @Test
    void descriptorOffsetAndSize() throws IOException {
        assertRejected(sparse().patch(28, 8, 2).build(), Reason.BAD_HEADER);
        assertRejected(sparse().patch(28, 8, 0).patch(36, 8, 0).build(), Reason.BAD_HEADER);
        assertRejected(sparse().patch(36, 8, 1L << 40).build(), Reason.BAD_HEADER);
        Inspection in = inspect(sparse().patch(28, 8, 2).build());
        assertThat(in.virtualSize()).isEqualTo(MIB);
    }

    @Test
    void badHeaderFields() throws IOException {
        assertRejected(sparse().patch(20, 8, 3).build(), Reason.BAD_HEADER);
        assertRejected(sparse().patch(20, 8, 1L << 20).build(), Reason.BAD_HEADER);
        assertRejected(sparse().patch(44, 4, 1024).build(), Reason.BAD_HEADER);
        assertRejected(sparse().patch(44, 4, 0).build(), Reason.BAD_HEADER);
        assertRejected(sparse().patch(12, 8, -1).build(), Reason.BAD_HEADER);
        assertRejected(sparse().patch(75, 1, '\n').build(), Reason.BAD_HEADER);
        assertRejected(sparse().patch(64, 8, 2).build(), Reason.BAD_HEADER);
        assertRejected(stream().patch(77, 2, 0).build(), Reason.BAD_HEADER);
        assertRejected(stream().patch(77, 2, 7).build(), Reason.UNSUPPORTED_FEATURE);
    }

    @Test
    void unsupportedVersion() throws IOException {
        assertRejected(sparse().patch(4, 4, 4).build(), Reason.UNSUPPORTED_VERSION);
        assertRejected(sparse().patch(4, 4, 0).build(), Reason.UNSUPPORTED_VERSION);
    }

    // --- footer ---

    @Test
    void badFooters() throws IOException {
        byte[] good = stream().withFooter().build();
        int marker = good.length - 1536;
        byte[] badType = good.clone();
        badType[marker + 12] = 7;
        assertRejected(badType, Reason.BAD_FOOTER);
        byte[] badPadding = good.clone();
        badPadding[marker + 100] = 1;
        assertRejected(badPadding, Reason.BAD_FOOTER);
        byte[] noEos = good.clone();
        noEos[good.length - 500] = 1;
        assertRejected(noEos, Reason.BAD_FOOTER);
        byte[] noMagic = good.clone();
        noMagic[good.length - 1024] = 'X';
        assertRejected(noMagic, Reason.BAD_FOOTER);
        assertRejected(stream().withFooter().patchFooter(56, 8, -1).build(), Reason.BAD_FOOTER);
        assertRejected(stream().withFooter().patchFooter(12, 8, 4096).build(), Reason.BAD_FOOTER);
        assertRejected(stream().withFooter().patchFooter(36, 8, 8).build(), Reason.BAD_FOOTER);
    }

    // --- tables ---

    @Test
    void truncatedStream() throws IOException {
        byte[] image = stream().build();
        assertRejected(Arrays.copyOf(image, image.length / 2), Reason.TRUNCATED);
        // cut on a sector boundary after the last grain: no end-of-stream marker
        assertRejected(Arrays.copyOf(image, image.length - 512), Reason.TRUNCATED);
    }

    @Test
    void grainOrTablePastTheEnd() throws IOException {
        VmdkImageBuilder b = sparse();
        byte[] image = b.build();
        assertRejected(Arrays.copyOf(image, image.length - 512), Reason.TRUNCATED);
        assertRejected(sparse().patch(b.gdSector() * 512, 4, 1 << 20).build(), Reason.TRUNCATED);
        assertRejected(sparse().patch(b.firstGtSector() * 512 + 40, 4, 1 << 20).build(), Reason.TRUNCATED);
        assertRejected(sparse().patch(56, 8, 1L << 30).build(), Reason.TRUNCATED);
        assertRejected(Arrays.copyOf(image, 300), Reason.TRUNCATED);
    }

    @Test
    void grainsIntoMetadata() throws IOException {
        VmdkImageBuilder b = sparse();
        assertRejected(sparse().patch(b.firstGtSector() * 512 + 40, 4, 1).build(), Reason.METADATA_OVERLAP);
        assertRejected(sparse().patch(b.firstGtSector() * 512 + 40, 4, b.firstGtSector()).build(), Reason.METADATA_OVERLAP);
        // grain table placed on the descriptor
        assertRejected(sparse().patch(b.gdSector() * 512, 4, 1).build(), Reason.METADATA_OVERLAP);
    }

    @Test
    void grainMarkersMustMatchTheirTableEntry() throws IOException {
        VmdkImageBuilder b = stream();
        byte[] image = b.build();
        long firstGrain = b.overHead() * 512;
        byte[] wrongLba = image.clone();
        wrongLba[(int) firstGrain] = 8;
        assertRejected(wrongLba, Reason.BAD_HEADER);
        byte[] zeroSize = image.clone();
        Arrays.fill(zeroSize, (int) firstGrain + 8, (int) firstGrain + 12, (byte) 0);
        assertRejected(zeroSize, Reason.BAD_HEADER);
        byte[] hugeSize = image.clone();
        hugeSize[(int) firstGrain + 11] = 0x7f;
        assertRejected(hugeSize, Reason.BAD_HEADER);
    }

    @Test
    void grainBeyondCapacity() throws IOException {
        VmdkImageBuilder b = sparse();
        byte[] image = b.build();
        long grainSector = b.overHead();
        // entry 300 of the only grain table maps guest sectors 2400.., beyond the 2048-sector capacity
        assertRejected(sparse().patch(b.firstGtSector() * 512 + 4 * 300, 4, grainSector).build(), Reason.BAD_HEADER);
        assertThat(image).isNotEmpty();
    }

    // --- limits ---

    @Test
    void limits() throws IOException {
        byte[] image = sparse().capacity(64 * 2048).descriptor(descriptorWith("RW 131072 SPARSE \"t.vmdk\"", "")).build();
        Inspection in = inspect(image, new Limits(16 * MIB, 16 * MIB));
        assertThat(in.rejection().code()).isEqualTo(Reason.VIRTUAL_SIZE_LIMIT);
        assertThat(in.virtualSize()).isEqualTo(64 * MIB);
        assertThat(inspect(image, Limits.NONE).accepted()).isTrue();
        byte[] small = sparse().build();
        assertThat(inspect(small, new Limits(16 * MIB, small.length - 1)).rejection().code()).isEqualTo(Reason.FILE_SIZE_LIMIT);
        assertThat(inspect(small, new Limits(MIB, small.length)).accepted()).isTrue();
    }
}
