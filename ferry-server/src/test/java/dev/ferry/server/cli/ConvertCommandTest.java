package dev.ferry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.convert.Converter;
import dev.ferry.format.convert.VirtualDisk;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.FileReadSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code ferry convert} in-process, as the launcher would. */
class ConvertCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = FerryCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    private static byte[] disk() {
        byte[] d = new byte[5 << 20];
        byte[] r = new byte[300_000];
        new Random(42).nextBytes(r);
        System.arraycopy(r, 0, d, 1 << 20, r.length);
        d[d.length - 1] = 7;
        return d;
    }

    private static byte[] readBack(Path image, DiskFormat expected) throws IOException {
        try (FileReadSource in = FileReadSource.open(image)) {
            Inspection i = Inspector.standard().inspect(in, Optional.empty(), Limits.NONE);
            if (expected == DiskFormat.VHD) {
                i = Inspector.standard().inspect(in, Optional.of(DiskFormat.VHD), Limits.NONE);
            }
            assertThat(i.accepted()).as("%s", i).isTrue();
            assertThat(i.format()).isEqualTo(expected);
            try (VirtualDisk d = Converter.open(in, i)) {
                byte[] b = new byte[(int) d.size()];
                d.read(0, b, 0, b.length);
                return b;
            }
        }
    }

    @Test
    void rawToQcow2ThenToFixedVhdKeepsTheContent() throws IOException {
        byte[] content = disk();
        Path raw = Files.write(dir.resolve("disk.raw"), content);
        Path q = dir.resolve("disk.qcow2");
        Run r = run("convert", "--to", "qcow2", raw.toString(), q.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("(qcow2)");
        assertThat(readBack(q, DiskFormat.QCOW2)).isEqualTo(content);
        assertThat(Files.size(q)).as("zero clusters are not stored").isLessThan(content.length / 2);

        Path vhd = dir.resolve("disk.vhd");
        Run r2 = run("convert", "--to", "vpc", "--subformat", "fixed", q.toString(), vhd.toString());
        assertThat(r2.exit()).as(r2.err()).isZero();
        byte[] back = readBack(vhd, DiskFormat.VHD);
        assertThat(Arrays.copyOf(back, content.length)).isEqualTo(content);
    }

    @Test
    void rejectedImageExitsOneWithTheFindingAndLeavesNoOutput() throws IOException {
        byte[] qed = new byte[512];
        qed[0] = 'Q';
        qed[1] = 'E';
        qed[2] = 'D';
        Path src = Files.write(dir.resolve("x.qed"), qed);
        Path dst = dir.resolve("out.raw");
        Run r = run("convert", "--to", "raw", src.toString(), dst.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("REJECT").contains("UNSUPPORTED_FORMAT");
        assertThat(dst).doesNotExist();
    }

    @Test
    void claimedFormatThatDoesNotMatchIsRejected() throws IOException {
        Path raw = Files.write(dir.resolve("disk.raw"), disk());
        Run r = run("convert", "--from", "qcow2", "--to", "raw", raw.toString(), dir.resolve("o").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("qcow2");
    }

    @Test
    void unknownTargetOrSubformatIsAUsageError() throws IOException {
        Path raw = Files.write(dir.resolve("disk.raw"), disk());
        assertThat(run("convert", "--to", "floppy", raw.toString(), dir.resolve("o").toString()).exit()).isEqualTo(2);
        assertThat(run("convert", "--to", "qcow2", "--subformat", "fixed", raw.toString(), dir.resolve("o").toString()).exit())
                .isEqualTo(2);
        assertThat(run("convert", "--to", "raw", dir.resolve("missing").toString(), dir.resolve("o").toString()).exit())
                .isEqualTo(2);
        assertThat(run("convert", "--to", "raw", raw.toString(), raw.toString()).exit()).isEqualTo(2);
    }
}
