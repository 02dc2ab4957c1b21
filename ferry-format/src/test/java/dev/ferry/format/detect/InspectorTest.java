package dev.ferry.format.detect;

import static dev.ferry.format.testing.TestImages.gptDisk;
import static dev.ferry.format.testing.TestImages.iso;
import static dev.ferry.format.testing.TestImages.mbrDisk;
import static dev.ferry.format.testing.TestImages.qed;
import static dev.ferry.format.testing.TestImages.vdi;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ByteArrayReadSource;
import dev.ferry.format.io.ReadSource;
import dev.ferry.format.iso.IsoInspector;
import dev.ferry.format.qed.QedInspector;
import dev.ferry.format.raw.RawInspector;
import dev.ferry.format.vdi.VdiInspector;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The detector's rules, with the real raw/ISO/QED/VDI inspectors and stand-ins for qcow2 and VHD
 * (their real inspectors are tested in their packages and through the manifest).
 */
class InspectorTest {
    private static final FakeInspector QCOW2 = FakeInspector.qcow2();
    private static final FakeInspector VHD = FakeInspector.vhd();
    private final Inspector inspector = new Inspector(new FormatRegistry(List.of(new RawInspector(), new IsoInspector(),
            new QedInspector(), new VdiInspector(), QCOW2, VHD)), true);

    private Inspection inspect(byte[] d, DiskFormat claimed) throws IOException {
        return inspector.inspect(new ByteArrayReadSource(d), Optional.ofNullable(claimed), Limits.NONE);
    }

    @Test
    void emptyFileIsEmptyFileUnlessClaimedVhd() throws IOException {
        assertThat(inspect(new byte[0], null).rejection().code()).isEqualTo(Reason.EMPTY_FILE);
        assertThat(inspect(new byte[0], DiskFormat.QCOW2).rejection().code()).isEqualTo(Reason.EMPTY_FILE);
        Inspection vhd = inspect(new byte[0], DiskFormat.VHD);
        assertThat(vhd.format()).isEqualTo(DiskFormat.VHD);
        assertThat(vhd.rejection().code()).isEqualTo("396");
    }

    @Test
    void nothingMatchedIsRaw() throws IOException {
        Inspection i = inspect(new byte[100_000], null);
        assertThat(i.format()).isEqualTo(DiskFormat.RAW);
        assertThat(i.accepted()).isTrue();
        assertThat(i.virtualSize()).isEqualTo(100_000);
    }

    @Test
    void unclaimedContentReportsTheDetectedFormat() throws IOException {
        assertThat(inspect(vdi(true, 1, null), null).format()).isEqualTo(DiskFormat.VDI);
        assertThat(inspect(iso(20, 20), null).format()).isEqualTo(DiskFormat.ISO);
        Inspection q = inspect(qed(1 << 20), null);
        assertThat(q.format()).isEqualTo(DiskFormat.QED);
        assertThat(q.rejection().code()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        Inspection g = inspect(gptDisk(1 << 20), null);
        assertThat(g.format()).isEqualTo(DiskFormat.RAW);
        assertThat(g.subformat()).isEqualTo("gpt");
    }

    @Test
    void qcow2UploadedAsRawIsAMismatchWithTheRawLength() throws IOException {
        Inspection i = inspect(QCOW2.stamp(new byte[196_616]), DiskFormat.RAW);
        assertThat(i.rejection().code()).isEqualTo(Reason.FORMAT_MISMATCH);
        assertThat(i.rejection().message()).contains("qcow2");
        assertThat(i.virtualSize()).isEqualTo(196_616);
    }

    @Test
    void unsignedContentClaimedAsAFormatGetsThatFormatsRejection() throws IOException {
        Inspection i = inspect(new byte[64 * 1024], DiskFormat.ISO);
        assertThat(i.format()).isEqualTo(DiskFormat.ISO);
        assertThat(i.rejection().code()).isEqualTo(Reason.BAD_HEADER);
    }

    @Test
    void anotherDetectedFormatThanClaimedIsAMismatch() throws IOException {
        Inspection i = inspect(vdi(true, 1, null), DiskFormat.ISO);
        assertThat(i.format()).isEqualTo(DiskFormat.ISO);
        assertThat(i.rejection().code()).isEqualTo(Reason.FORMAT_MISMATCH);
        assertThat(i.rejection().message()).contains("vdi");
        assertThat(i.virtualSize()).isEqualTo(-1);
    }

    @Test
    void anInspectorAcceptingUnsignedContentIsStillAMismatch() throws IOException {
        FormatInspector lax = new FormatInspector() {
            @Override
            public DiskFormat format() {
                return DiskFormat.QCOW2;
            }

            @Override
            public boolean probe(ReadSource source) {
                return false;
            }

            @Override
            public Inspection inspect(ReadSource source, Limits limits) throws IOException {
                return Inspection.accept(DiskFormat.QCOW2, null, 1, 1, source.size());
            }
        };
        Inspector withLax = new Inspector(new FormatRegistry(List.of(new RawInspector(), lax)), true);
        Inspection i = withLax.inspect(new ByteArrayReadSource(new byte[4096]), Optional.of(DiskFormat.QCOW2), Limits.NONE);
        assertThat(i.rejection().code()).isEqualTo(Reason.FORMAT_MISMATCH);
    }

    @Test
    void hybridIsoWithPartitionTableIsAnIso() throws IOException {
        byte[] d = iso(40, 40);
        System.arraycopy(gptDisk(1 << 20), 0, d, 0, 2048);
        Inspection i = inspect(d, DiskFormat.ISO);
        assertThat(i.accepted()).as("%s", i).isTrue();
        assertThat(i.format()).isEqualTo(DiskFormat.ISO);
    }

    @Test
    void isoWithQcow2HeaderIsTwoFormatsReportedAsTheClaim() throws IOException {
        Inspection i = inspect(QCOW2.stamp(iso(175, 175)), DiskFormat.ISO);
        assertThat(i.rejection().code()).isEqualTo(Reason.MULTIPLE_FORMATS);
        assertThat(i.format()).isEqualTo(DiskFormat.ISO);
        assertThat(i.virtualSize()).isEqualTo(358_400);
        assertThat(inspect(QCOW2.stamp(iso(175, 175)), null).rejection().code()).isEqualTo(Reason.MULTIPLE_FORMATS);
    }

    @Test
    void qcow2WithPartitionTableIsTwoFormats() throws IOException {
        byte[] d = QCOW2.stamp(mbrDisk(1 << 20));
        Inspection i = inspect(d, DiskFormat.QCOW2);
        assertThat(i.rejection().code()).isEqualTo(Reason.MULTIPLE_FORMATS);
        assertThat(i.virtualSize()).isEqualTo(1 << 20);
    }

    @Test
    void twoFormatsClaimedAsAThirdAreReportedAsTheClaim() throws IOException {
        Inspection i = inspect(QCOW2.stamp(mbrDisk(1 << 20)), DiskFormat.RAW);
        assertThat(i.format()).isEqualTo(DiskFormat.RAW);
        assertThat(i.rejection().code()).isEqualTo(Reason.MULTIPLE_FORMATS);
        assertThat(i.virtualSize()).isEqualTo(1 << 20);
    }

    @Test
    void fixedVhdHoldingAPartitionedDiskIsAVhd() throws IOException {
        byte[] d = VHD.stamp(mbrDisk(1 << 20));
        assertThat(inspect(d, null).accepted()).isTrue();
        assertThat(inspect(d, null).format()).isEqualTo(DiskFormat.VHD);
        assertThat(inspect(d, DiskFormat.VHD).accepted()).isTrue();
    }

    @Test
    void dynamicVhdWithPartitionSignatureIsTwoFormats() throws IOException {
        byte[] d = VHD.stamp(mbrDisk(1 << 20));
        System.arraycopy("conectix".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, d, 0, 8);
        d[446] = 0;
        d[446 + 4] = (byte) 0x83;
        assertThat(inspect(d, null).rejection().code()).isEqualTo(Reason.MULTIPLE_FORMATS);
        assertThat(inspect(d, DiskFormat.VHD).rejection().code()).isEqualTo("111");
    }

    @Test
    void claimedVhdAlwaysGetsVhdCodes() throws IOException {
        Inspection notVhd = inspect(QCOW2.stamp(new byte[8192]), DiskFormat.VHD);
        assertThat(notVhd.format()).isEqualTo(DiskFormat.VHD);
        assertThat(notVhd.rejection().code()).isEqualTo("396");
        Inspection payload = inspect(VHD.stamp(QCOW2.stamp(new byte[8192])), DiskFormat.VHD);
        assertThat(payload.rejection().code()).isEqualTo("111");
        assertThat(payload.virtualSize()).isEqualTo(8 << 20);
    }

    @Test
    void vhdUploadedAsRawIsAMismatch() throws IOException {
        assertThat(inspect(VHD.stamp(new byte[8192]), DiskFormat.RAW).rejection().code()).isEqualTo(Reason.FORMAT_MISMATCH);
    }

    @Test
    void limitsApplyToEveryFormatButVhd() throws IOException {
        Limits small = new Limits(4096, 1 << 30);
        Inspection raw = inspector.inspect(new ByteArrayReadSource(new byte[8192]), Optional.empty(), small);
        assertThat(raw.rejection().code()).isEqualTo(Reason.VIRTUAL_SIZE_LIMIT);
        Inspection vhd = inspector.inspect(new ByteArrayReadSource(VHD.stamp(new byte[8192])), Optional.empty(), small);
        assertThat(vhd.accepted()).as("VHD applies its own 413/609").isTrue();
        Inspection file = inspector.inspect(new ByteArrayReadSource(vdi(true, 1, null)), Optional.empty(), new Limits(1 << 30, 4096));
        assertThat(file.rejection().code()).isEqualTo(Reason.FILE_SIZE_LIMIT);
    }

    @Test
    void verdictDependsOnlyOnBytesAndClaim() throws IOException {
        byte[] d = QCOW2.stamp(iso(175, 175));
        assertThat(inspect(d.clone(), DiskFormat.ISO)).isEqualTo(inspect(d.clone(), DiskFormat.ISO));
    }

    @Test
    void aCrashingInspectorBecomesARejectionInLenientMode() throws IOException {
        FormatInspector broken = new FakeInspector(DiskFormat.VMDK, "KDMV", 0, 1, null);
        FormatInspector throwing = new FormatInspector() {
            @Override
            public DiskFormat format() {
                return DiskFormat.VMDK;
            }

            @Override
            public boolean probe(ReadSource source) throws IOException {
                return broken.probe(source);
            }

            @Override
            public Inspection inspect(ReadSource source, Limits limits) {
                throw new ArrayIndexOutOfBoundsException(-1);
            }
        };
        Inspector lenient = new Inspector(new FormatRegistry(List.of(new RawInspector(), throwing)));
        byte[] d = "KDMV".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Inspection i = lenient.inspect(new ByteArrayReadSource(d), Optional.empty(), Limits.NONE);
        assertThat(i.format()).isEqualTo(DiskFormat.VMDK);
        assertThat(i.rejection().code()).isEqualTo(Reason.BAD_HEADER);
    }
}
