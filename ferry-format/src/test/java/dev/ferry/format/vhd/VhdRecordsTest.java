package dev.ferry.format.vhd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VhdRecordsTest {

    @Test
    void footerRoundTripsAndRecomputesItsChecksum() {
        VhdImage v = VhdImage.dynamic();
        v.creator = "tap\0";
        byte[] raw = v.footer();
        Footer f = Footer.parse(raw, 0);
        assertThat(f.creatorApplication()).isEqualTo("tap\0");
        assertThat(f.currentSize()).isEqualTo(8 * VhdImage.MIB);
        assertThat(f.dataOffset()).isEqualTo(512);
        assertThat(f.diskType()).isEqualTo(DiskType.DYNAMIC);
        assertThat(f.geometry()).isEqualTo(new DiskGeometry(240, 4, 17));
        assertThat(f.uniqueId()).isEqualTo(new UUID(v.uuidHigh, v.uuidLow));
        assertThat(f.toBytes()).isEqualTo(raw);
        assertThat(Footer.isChecksumValid(raw, 0)).isTrue();

        Footer edited = new Footer(f.features(), f.fileFormatVersion(), Footer.NO_DATA_OFFSET, f.timestamp(), "win ",
                f.creatorVersion(), f.creatorHostOs(), f.originalSize(), f.currentSize(), f.geometry(),
                DiskType.FIXED.code(), f.checksum(), f.uniqueId(), 0, 0);
        assertThat(Footer.isChecksumValid(edited.toBytes(), 0)).isFalse();
        byte[] sealed = edited.withComputedChecksum().toBytes();
        assertThat(Footer.isChecksumValid(sealed, 0)).isTrue();
        assertThat(Footer.parse(sealed, 0).diskType()).isEqualTo(DiskType.FIXED);
    }

    @Test
    void dynamicHeaderMatchesQemusChecksum() {
        // formats.md 1.6, vhd-dynamic.vhd made by qemu-img: BAT at 1536, 5 entries, 2 MiB blocks, checksum 0xfffff472.
        DynamicDiskHeader h = DynamicDiskHeader.dynamic(1536, 5, 2 * VhdImage.MIB);
        assertThat(h.checksum()).isEqualTo(0xFFFFF472);
        assertThat(h.sectorBitmapSize()).isEqualTo(512);
        assertThat(h.tableSize()).isEqualTo(512);
        byte[] raw = h.toBytes();
        assertThat(DynamicDiskHeader.isChecksumValid(raw, 0)).isTrue();
        assertThat(DynamicDiskHeader.parse(raw, 0)).isEqualTo(h);
        assertThat(h.referencesParent()).isFalse();

        VhdImage v = VhdImage.dynamic();
        v.parentName = "parent.vhd";
        DynamicDiskHeader p = DynamicDiskHeader.parse(v.header(), 0);
        assertThat(p.parentUnicodeName()).isEqualTo("parent.vhd");
        assertThat(p.referencesParent()).isTrue();
        assertThat(p.parentLocators()).hasSize(8).allMatch(ParentLocatorEntry::isEmpty);
    }

    @Test
    void batSerializesWithPaddingAndReadsBack() throws Exception {
        BlockAllocationTable bat = BlockAllocationTable.empty(5).withEntry(0, 4);
        byte[] raw = bat.toBytes();
        assertThat(raw).hasSize(512);
        BlockAllocationTable back = BlockAllocationTable.read(new dev.ferry.format.io.ByteArrayReadSource(raw), 0, 5);
        assertThat(back.bitmapOffset(0)).isEqualTo(2048);
        assertThat(back.isAllocated(1)).isFalse();
        assertThat(back.allocatedCount()).isEqualTo(1);
    }

    /** Geometries from formats.md 1.3, verified against qemu-img create -f vpc. */
    @ParameterizedTest
    @CsvSource({
        "1000000, 29, 4, 17",
        "10485760, 302, 4, 17",
        "33554432, 964, 4, 17",
        "135266304, 972, 16, 17",
        "1073741824, 2081, 16, 63",
        "44023414784, 21075, 16, 255",
    })
    void qemuRoundsUpTheSpecGeometry(long requested, int c, int h, int s) {
        DiskGeometry g = DiskGeometry.qemuRoundedUp((requested + 511) / 512);
        assertThat(g).isEqualTo(new DiskGeometry(c, h, s));
        assertThat(g.bytes()).isGreaterThanOrEqualTo(requested);
    }

    @Test
    void specGeometryRoundsDown() {
        assertThat(DiskGeometry.forTotalSectors(8 * VhdImage.MIB / 512)).isEqualTo(new DiskGeometry(240, 4, 17));
        assertThat(DiskGeometry.forTotalSectors(Long.MAX_VALUE / 512)).isEqualTo(DiskGeometry.MAXIMUM);
    }

    @Test
    void qemuVirtualSizeRule() {
        VhdImage v = VhdImage.dynamic();
        for (String creator : List.of("qemu", "vpc ", "vs  ", "abcd")) {
            v.creator = creator;
            assertThat(Footer.parse(v.footer(), 0).qemuVirtualSize()).as(creator).isEqualTo(240L * 4 * 17 * 512);
        }
    }
}
