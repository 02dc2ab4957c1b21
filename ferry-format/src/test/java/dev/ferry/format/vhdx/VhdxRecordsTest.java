package dev.ferry.format.vhdx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class VhdxRecordsTest {

    @Test
    void guidsAreStoredMicrosoftStyle() {
        // The BAT region GUID as qemu-img wrote it (formats.md 3.3, hexdump of vhdx-dynamic.vhdx).
        byte[] stored = HexFormat.of().parseHex("6677c22d23f600429d64115e9bfd4a08");
        assertThat(Guids.read(stored, 0)).isEqualTo(RegionTableEntry.BAT);
        byte[] back = new byte[16];
        Guids.write(RegionTableEntry.BAT, back, 0);
        assertThat(back).isEqualTo(stored);
    }

    @Test
    void headerRoundTripsWithItsCrc() {
        VhdxHeader h = new VhdxHeader(0, 7, new UUID(1, 2), new UUID(3, 4), new UUID(0, 0), 0, 1, 1 << 20, 1 << 20);
        byte[] raw = h.toBytes();
        assertThat(VhdxHeader.isValid(raw, 0)).isTrue();
        VhdxHeader back = VhdxHeader.parse(raw, 0);
        assertThat(back.sequenceNumber()).isEqualTo(7);
        assertThat(back.logMustBeReplayed()).isFalse();
        assertThat(back.logOffset()).isEqualTo(1 << 20);
        raw[200] ^= 1;
        assertThat(VhdxHeader.isValid(raw, 0)).isFalse();
    }

    @Test
    void tablesRoundTrip() {
        RegionTable rt = new RegionTable(List.of(new RegionTableEntry(RegionTableEntry.BAT, 2 << 20, 1 << 20, true),
                new RegionTableEntry(RegionTableEntry.METADATA, 3 << 20, 1 << 20, false)));
        byte[] raw = rt.toBytes();
        assertThat(RegionTable.isValid(raw, 0)).isTrue();
        assertThat(RegionTable.parse(raw, 0)).isEqualTo(rt);

        MetadataTable mt = new MetadataTable(List.of(
                new MetadataTableEntry(MetadataTableEntry.FILE_PARAMETERS, 65536, 8, false, false, true),
                new MetadataTableEntry(MetadataTableEntry.VIRTUAL_DISK_SIZE, 65544, 8, false, true, true)));
        byte[] m = mt.toBytes();
        assertThat(MetadataTable.parse(m, 0)).isEqualTo(mt);
        assertThat(mt.find(MetadataTableEntry.VIRTUAL_DISK_SIZE)).isPresent();
    }

    @Test
    void batEntryBits() {
        BatEntry e = BatEntry.of(0x800006L);
        assertThat(e.state()).isEqualTo(BatEntry.PAYLOAD_FULLY_PRESENT);
        assertThat(e.fileOffset()).isEqualTo(8L << 20);
        assertThat(e.toRaw()).isEqualTo(0x800006L);
        assertThat(BatEntry.of(2).readsAsZero()).isTrue();
        assertThat(BatEntry.of(-1L).state()).isEqualTo(7);
    }
}
