package dev.ferry.format.vmdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.format.Reason;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The sparse extent header, marker and descriptor records decode what qemu and VMware write. */
class VmdkRecordsTest {

    private static byte[] sector(String hex) {
        byte[] b = new byte[512];
        byte[] h = HexFormat.of().parseHex(hex);
        System.arraycopy(h, 0, b, 0, h.length);
        return b;
    }

    @Test
    void streamOptimizedHeaderAsQemuWritesIt() {
        // first 80 bytes of `qemu-img convert -O vmdk -o subformat=streamOptimized` (8 MiB)
        SparseExtentHeader h = SparseExtentHeader.parse(sector(
                "4b444d560300000003000300004000000000000080000000000000000100000000000000140000000000000000020000"
                        + "15000000000000001a00000000000000800000000000000000" + "0a200d0a0100"));
        assertThat(h.hasMagic()).isTrue();
        assertThat(h.version()).isEqualTo(3);
        assertThat(h.flags()).isEqualTo(0x30003);
        assertThat(h.compressed()).isTrue();
        assertThat(h.hasMarkers()).isTrue();
        assertThat(h.capacity()).isEqualTo(16384);
        assertThat(h.grainSize()).isEqualTo(128);
        assertThat(h.descriptorOffset()).isEqualTo(1);
        assertThat(h.descriptorSize()).isEqualTo(20);
        assertThat(h.numGTEsPerGT()).isEqualTo(512);
        assertThat(h.rgdOffset()).isEqualTo(21);
        assertThat(h.gdOffset()).isEqualTo(26);
        assertThat(h.overHead()).isEqualTo(128);
        assertThat(h.newlineTestIntact()).isTrue();
        assertThat(h.compressAlgorithm()).isEqualTo(SparseExtentHeader.COMPRESSION_DEFLATE);
        assertThat(h.grainBytes()).isEqualTo(65536);
        assertThat(h.grainDirectoryEntries()).isEqualTo(1);
        assertThat(h.gdAtEnd()).isFalse();
    }

    @Test
    void markers() {
        Marker grain = Marker.parse(HexFormat.of().parseHex("00000000000000001a000100789c0001"));
        assertThat(grain.isGrain()).isTrue();
        assertThat(grain.value()).isZero();
        assertThat(grain.size()).isEqualTo(65562);
        Marker footer = Marker.parse(HexFormat.of().parseHex("01000000000000000000000003000000"));
        assertThat(footer.isGrain()).isFalse();
        assertThat(footer.type()).isEqualTo(Marker.TYPE_FOOTER);
        assertThat(Marker.parse(new byte[16]).isEndOfStream()).isTrue();
    }

    @Test
    void descriptorAsQemuWritesIt() throws VmdkException {
        String text = "# Disk DescriptorFile\nversion=1\nCID=f7450526\nparentCID=ffffffff\ncreateType=\"streamOptimized\"\n\n"
                + "# Extent description\nRW 16384 SPARSE \"vmdk-streamOptimized.vmdk\"\n\n# The Disk Data Base\n#DDB\n\n"
                + "ddb.virtualHWVersion = \"4\"\nddb.geometry.cylinders = \"16\"\nddb.adapterType = \"ide\"\n"
                + "ddb.toolsVersion = \"2147483647\"\n";
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        Descriptor d = Descriptor.parse(b, b.length);
        assertThat(d.createType()).isEqualTo("streamOptimized");
        assertThat(d.parentCid()).isEqualTo("ffffffff");
        assertThat(d.parentFileNameHint()).isNull();
        assertThat(d.get("ddb.adapterType")).isEqualTo("ide");
        assertThat(d.extents()).containsExactly(new ExtentDescriptor("RW", 16384, "SPARSE", "vmdk-streamOptimized.vmdk", 0));
        assertThat(d.extentBytes()).isEqualTo(8L << 20);
    }

    @Test
    void extentLines() throws VmdkException {
        byte[] b = "createType=\"monolithicFlat\"\nrdonly 2048 flat \"x-flat.vmdk\" 17\nNOACCESS 8 ZERO\n"
                .getBytes(StandardCharsets.US_ASCII);
        Descriptor d = Descriptor.parse(b, b.length);
        assertThat(d.extents()).containsExactly(new ExtentDescriptor("RDONLY", 2048, "FLAT", "x-flat.vmdk", 17),
                new ExtentDescriptor("NOACCESS", 8, "ZERO", null, 0));
        assertThat(new ExtentDescriptor("RW", 1, "SPARSE", "/etc/passwd", 0).namesPath()).isTrue();
        assertThat(new ExtentDescriptor("RW", 1, "SPARSE", "disk.vmdk", 0).namesPath()).isFalse();
    }

    @Test
    void grammarViolationsAreBadHeaders() {
        for (String bad : new String[] {"createType monolithicFlat\n", "rw 2048 /etc/hosts\n", "WRONLY 2048 SPARSE \"a\"\n",
                "key=\"unterminated\n", "a=1\na=2\n", "ddb.x = some words\n"}) {
            byte[] b = bad.getBytes(StandardCharsets.US_ASCII);
            assertThatThrownBy(() -> Descriptor.parse(b, b.length)).as(bad)
                    .isInstanceOfSatisfying(VmdkException.class, e -> assertThat(e.code()).isEqualTo(Reason.BAD_HEADER));
        }
        byte[] big = new byte[Descriptor.MAX_TEXT + 1];
        assertThatThrownBy(() -> Descriptor.parse(big, big.length)).isInstanceOf(VmdkException.class);
    }
}
