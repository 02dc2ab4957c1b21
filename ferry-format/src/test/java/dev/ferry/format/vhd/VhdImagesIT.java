package dev.ferry.format.vhd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.io.FileReadSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every row of the generated manifest ({@code -Dferry.testImages=DIR}) claimed as VHD, inspected
 * directly with {@link VhdInspector} and the manifest's limit: verdict, code, virtual size and,
 * for accepted images, qemu's virtual size. Skipped when the property is absent.
 */
class VhdImagesIT {
    private static final long MANIFEST_LIMIT = 16_777_216L;

    static Path imagesDir() {
        String dir = System.getProperty("ferry.testImages");
        assumeTrue(dir != null && !dir.isBlank(), "ferry.testImages not set");
        Path p = Path.of(dir);
        assumeTrue(Files.isRegularFile(p.resolve("manifest.tsv")), "no manifest.tsv in " + p);
        return p;
    }

    /** Manifest rows (file, format, verdict, code, virtual_size, qemu_virtual_size, notes) claimed as {@code format}. */
    static List<String[]> rows(Path dir, String format) throws IOException {
        try (Stream<String> lines = Files.lines(dir.resolve("manifest.tsv"), StandardCharsets.UTF_8)) {
            return lines.skip(1).filter(l -> !l.isBlank()).map(l -> l.split("\t", -1))
                    .filter(r -> r.length >= 6 && r[1].equals(format)).toList();
        }
    }

    static long size(String column) {
        return column.equals("-") ? -1 : Long.parseLong(column);
    }

    @TestFactory
    Stream<DynamicTest> everyVhdRowMatchesTheManifest() throws IOException {
        Path dir = imagesDir();
        List<String[]> rows = rows(dir, "vhd");
        assertThat(rows).hasSizeGreaterThanOrEqualTo(40);
        Limits limits = new Limits(MANIFEST_LIMIT, MANIFEST_LIMIT);
        return rows.stream().map(r -> DynamicTest.dynamicTest(r[0], () -> {
            Inspection in;
            try (FileReadSource src = FileReadSource.open(dir.resolve(r[0]))) {
                in = new VhdInspector().inspect(src, limits);
            }
            String why = r[0] + " (" + r[6] + "): " + in;
            assertThat(in.verdict().name()).as(why).isEqualTo(r[2]);
            assertThat(in.rejection() == null ? "-" : in.rejection().code()).as(why).isEqualTo(r[3]);
            assertThat(in.virtualSize()).as(why).isEqualTo(size(r[4]));
            if (in.accepted()) {
                assertThat(in.qemuVirtualSize()).as(why).isEqualTo(size(r[5]));
            }
        }));
    }

    @Test
    void the41GiBDynamicDiskFailsTheRealRackspaceLimit() throws IOException {
        Path file = imagesDir().resolve("vhd-dynamic-41g.vhd");
        assumeTrue(Files.isRegularFile(file), "vhd-dynamic-41g.vhd not generated");
        try (FileReadSource src = FileReadSource.open(file)) {
            Inspection in = new VhdInspector().inspect(src, Limits.RACKSPACE);
            assertThat(in.rejection().code()).isEqualTo("413");
            assertThat(in.virtualSize()).isEqualTo(44_024_832_000L);
        }
    }
}
