package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.DiskFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which imports convert while they download, and which stage the source first (docs/import.md). */
class StreamingDecisionTest {

    @Test
    void formatsReadableInOrderConvertWhileDownloadingWhenTheLengthIsAnnounced() {
        for (DiskFormat f : new DiskFormat[] {DiskFormat.QCOW2, DiskFormat.RAW}) {
            assertThat(ImportJob.convertsWhileDownloading(true, 1 << 20, Optional.of(f))).as(f.name()).isTrue();
            assertThat(ImportJob.convertsWhileDownloading(true, -1, Optional.of(f))).as(f + " without length").isFalse();
        }
    }

    @Test
    void formatsWithTablesOrFootersAtTheEndAreStagedFirst() {
        for (DiskFormat f : new DiskFormat[] {DiskFormat.VHD, DiskFormat.VHDX, DiskFormat.VMDK, DiskFormat.VDI, DiskFormat.ISO}) {
            assertThat(ImportJob.convertsWhileDownloading(true, 1 << 20, Optional.of(f))).as(f.name()).isFalse();
        }
    }

    @Test
    void withoutACertainConversionOrAClaimTheSourceIsDownloadedBeforeAnyDecision() {
        assertThat(ImportJob.convertsWhileDownloading(false, 1 << 20, Optional.of(DiskFormat.QCOW2))).isFalse();
        assertThat(ImportJob.convertsWhileDownloading(true, 1 << 20, Optional.empty())).isFalse();
    }
}
