package dev.ferry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs {@code ferry inspect} in-process, as the launcher would. */
class InspectCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
        List<JsonNode> json() {
            JsonMapper m = JsonMapper.builder().build();
            return out.lines().map(m::readTree).toList();
        }
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = FerryCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static byte[] qed(long size) {
        byte[] d = new byte[512];
        d[0] = 'Q';
        d[1] = 'E';
        d[2] = 'D';
        for (int i = 0; i < 8; i++) {
            d[48 + i] = (byte) (size >>> (8 * i));
        }
        return d;
    }

    @Test
    void acceptedRawDiskExitsZeroWithOneJsonLine() throws IOException {
        Path raw = write("disk.img", new byte[196_616]);
        Run r = run("inspect", "--json", raw.toString());
        assertThat(r.exit()).isZero();
        List<JsonNode> lines = r.json();
        assertThat(lines).hasSize(1);
        JsonNode j = lines.get(0);
        assertThat(j.get("file").asString()).isEqualTo(raw.toString());
        assertThat(j.get("format").asString()).isEqualTo("raw");
        assertThat(j.get("verdict").asString()).isEqualTo("ACCEPT");
        assertThat(j.get("code").isNull()).isTrue();
        assertThat(j.get("virtual_size").asLong()).isEqualTo(196_616);
        assertThat(j.get("qemu_virtual_size").asLong()).isEqualTo(197_120);
    }

    @Test
    void someRejectedExitsOneWithALinePerFile() throws IOException {
        Path raw = write("a.raw", new byte[4096]);
        Path qed = write("b.qed", qed(1 << 20));
        Path empty = write("c.raw", new byte[0]);
        Run r = run("inspect", "--json", raw.toString(), qed.toString(), empty.toString());
        assertThat(r.exit()).isEqualTo(1);
        List<JsonNode> lines = r.json();
        assertThat(lines).extracting(j -> j.get("verdict").asString()).containsExactly("ACCEPT", "REJECT", "REJECT");
        assertThat(lines.get(1).get("format").asString()).isEqualTo("qed");
        assertThat(lines.get(1).get("code").asString()).isEqualTo("UNSUPPORTED_FORMAT");
        assertThat(lines.get(1).get("virtual_size").asLong()).isEqualTo(1 << 20);
        assertThat(lines.get(2).get("code").asString()).isEqualTo("EMPTY_FILE");
        assertThat(lines.get(2).get("message").asString()).isNotBlank();
    }

    @Test
    void expectVhdOnRawContentIsRackspace396() throws IOException {
        Path raw = write("x.vhd", new byte[8192]);
        Run r = run("inspect", "--expect", "vpc", "--json", raw.toString());
        assertThat(r.exit()).isEqualTo(1);
        JsonNode j = r.json().get(0);
        assertThat(j.get("format").asString()).isEqualTo("vhd");
        assertThat(j.get("code").asString()).isEqualTo("396");
        assertThat(j.get("message").asString()).startsWith("396: The image cannot be imported.");
    }

    @Test
    void expectedFormatOtherThanContentIsAMismatch() throws IOException {
        Path q = write("y.raw", qed(1 << 20));
        JsonNode j = run("inspect", "--expect", "raw", "--json", q.toString()).json().get(0);
        assertThat(j.get("code").asString()).isEqualTo("FORMAT_MISMATCH");
    }

    @Test
    void limitsAreApplied() throws IOException {
        Path raw = write("big.raw", new byte[8192]);
        Run r = run("inspect", "--max-virtual-size", "4096", "--json", raw.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.json().get(0).get("code").asString()).isEqualTo("VIRTUAL_SIZE_LIMIT");
        Run f = run("inspect", "--max-file-size", "4096", "--json", raw.toString());
        assertThat(f.json().get(0).get("code").asString()).isEqualTo("FILE_SIZE_LIMIT");
    }

    @Test
    void withoutJsonPrintsAReadableLine() throws IOException {
        Path raw = write("r.img", new byte[4096]);
        Path qed = write("q.img", qed(1 << 20));
        Run r = run("inspect", raw.toString(), qed.toString());
        assertThat(r.exit()).isEqualTo(1);
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo(raw + ": ACCEPT raw, virtual size 4096");
        assertThat(lines.get(1)).startsWith(qed + ": REJECT qed, virtual size 1048576: UNSUPPORTED_FORMAT: ");
    }

    @Test
    void usageErrorsExitTwo() throws IOException {
        Path raw = write("ok.raw", new byte[512]);
        assertThat(run("inspect", "--json").exit()).as("no file").isEqualTo(2);
        assertThat(run("inspect", "--bogus", raw.toString()).exit()).as("unknown flag").isEqualTo(2);
        assertThat(run("inspect", "--expect", "floppy", raw.toString()).exit()).as("unknown format").isEqualTo(2);
        assertThat(run("inspect", "--max-virtual-size", "0", raw.toString()).exit()).as("zero limit").isEqualTo(2);
        Run missing = run("inspect", "--json", raw.toString(), dir.resolve("nope.raw").toString());
        assertThat(missing.exit()).as("missing file").isEqualTo(2);
        assertThat(missing.out()).as("nothing inspected before the usage check").isEmpty();
        assertThat(missing.err()).contains("nope.raw");
    }

    @Test
    void outputIsUtf8Json() throws IOException {
        Path raw = write("naïve \"quoted\".raw", new byte[512]);
        JsonNode j = run("inspect", "--json", raw.toString()).json().get(0);
        assertThat(j.get("file").asString()).isEqualTo(raw.toString());
        assertThat(raw.toString().getBytes(StandardCharsets.UTF_8)).isNotEmpty();
    }
}
