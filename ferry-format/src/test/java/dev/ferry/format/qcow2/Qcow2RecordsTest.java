package dev.ferry.format.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.format.Reason;
import dev.ferry.format.io.ByteArrayReadSource;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The header and table records decode what qemu writes. */
class Qcow2RecordsTest {

    @Test
    void compressedL2EntriesAsQemuWritesThem() {
        // two zlib clusters packed 197 bytes apart, cluster_bits 16 (values seen in a qemu 7.2 image)
        L2Entry a = new L2Entry(0x4000000000350000L, 16);
        assertThat(a.compressed()).isTrue();
        assertThat(a.compressedOffsetBits()).isEqualTo(54);
        assertThat(a.compressedHostOffset()).isEqualTo(3_473_408L);
        assertThat(a.compressedAdditionalSectors()).isZero();
        assertThat(a.compressedLength()).isEqualTo(512);
        L2Entry b = new L2Entry(0x40000000003500c5L, 16);
        assertThat(b.compressedHostOffset()).isEqualTo(3_473_605L);
        assertThat(b.compressedLength()).isEqualTo(512 - 197);
        L2Entry c = new L2Entry(L2Entry.COMPRESSED | 3L << 54 | 1000, 16);
        assertThat(c.compressedAdditionalSectors()).isEqualTo(3);
        assertThat(c.compressedLength()).isEqualTo(4 * 512 - (1000 % 512));
    }

    @Test
    void standardL2Entries() {
        L2Entry zero = new L2Entry(0x0000000000000001L, 16);
        assertThat(zero.zero()).isTrue();
        assertThat(zero.unallocated()).isFalse();
        assertThat(zero.hostClusterOffset()).isZero();
        L2Entry prealloc = new L2Entry(0x8000000000050001L, 16);
        assertThat(prealloc.zero()).isTrue();
        assertThat(prealloc.copied()).isTrue();
        assertThat(prealloc.hostClusterOffset()).isEqualTo(0x50000L);
        assertThat(new L2Entry(0, 16).unallocated()).isTrue();
        assertThat(new L2Entry(1L << 60, 16).standardReservedBits()).isNotZero();
        assertThat(new L2Entry(0x2L, 16).standardReservedBits()).isNotZero();
        assertThatThrownBy(() -> new L2Entry(0, 8)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void l1Entries() {
        L1Entry e = new L1Entry(0x8000000000040000L);
        assertThat(e.copied()).isTrue();
        assertThat(e.l2TableOffset()).isEqualTo(0x40000L);
        assertThat(e.reservedBits()).isZero();
        assertThat(new L1Entry(0x40001L).reservedBits()).isEqualTo(1);
        assertThat(new L1Entry(1L << 60).reservedBits()).isNotZero();
    }

    @Test
    void headerFieldsAndDerivedSizes() throws IOException, Qcow2Exception {
        byte[] image = Qcow2ImageBuilder.v3().clusterBits(16).size(10L << 20).zstd().compatible(1).build();
        Header h = Header.read(new ByteArrayReadSource(image));
        assertThat(h.version()).isEqualTo(3);
        assertThat(h.clusterSize()).isEqualTo(65536);
        assertThat(h.l2Entries()).isEqualTo(8192);
        assertThat(h.bytesPerL2Table()).isEqualTo(512L << 20);
        assertThat(h.requiredL1Entries()).isEqualTo(1);
        assertThat(h.compressionType()).isEqualTo(CompressionType.ZSTD);
        assertThat(h.refcountBits()).isEqualTo(16);
        assertThat(h.headerLength()).isEqualTo(112);
        assertThat(CompatibleFeature.LAZY_REFCOUNTS.isSet(h.compatibleFeatures())).isTrue();
        assertThat(L1Entry.index(600L << 20, h)).isEqualTo(1);
        assertThat(L2Entry.index(65536 * 3 + 5, h)).isEqualTo(3);

        Header v2 = Header.read(new ByteArrayReadSource(Qcow2ImageBuilder.v2().build()));
        assertThat(v2.headerLength()).isEqualTo(72);
        assertThat(v2.refcountOrder()).isEqualTo(4);
        assertThat(v2.compressionType()).isEqualTo(CompressionType.ZLIB);
    }

    @Test
    void headerReadRefusesWithCodes() {
        byte[] v1 = Qcow2ImageBuilder.v3().patch(4, 4, 1).build();
        assertThatThrownBy(() -> Header.read(new ByteArrayReadSource(v1)))
                .isInstanceOfSatisfying(Qcow2Exception.class, e -> assertThat(e.code()).isEqualTo(Reason.UNSUPPORTED_VERSION));
        byte[] notQcow = new byte[512];
        assertThatThrownBy(() -> Header.read(new ByteArrayReadSource(notQcow)))
                .isInstanceOfSatisfying(Qcow2Exception.class, e -> assertThat(e.code()).isEqualTo(Reason.BAD_HEADER));
    }

    @Test
    void extensionsAreListedInOrderWithTheirDataLocation() throws IOException, Qcow2Exception {
        byte[] image = Qcow2ImageBuilder.v3().extension(0x12345678, new byte[3])
                .extension(HeaderExtension.FEATURE_NAME_TABLE, new byte[96]).build();
        Header h = Header.read(new ByteArrayReadSource(image));
        List<HeaderExtension> list = HeaderExtension.readAll(new ByteArrayReadSource(image), h);
        assertThat(list).containsExactly(new HeaderExtension(0x12345678, 120, 3),
                new HeaderExtension(HeaderExtension.FEATURE_NAME_TABLE, 136, 96));
    }

    @Test
    void snapshotEntryLengthIsPaddedToEight() {
        assertThat(new SnapshotEntry(65536, 1, 1, 1, 16).length()).isEqualTo(64);
        assertThat(new SnapshotEntry(65536, 1, 2, 3, 16).length()).isEqualTo(64);
        assertThat(new SnapshotEntry(65536, 1, 8, 1, 16).length()).isEqualTo(72);
    }
}
