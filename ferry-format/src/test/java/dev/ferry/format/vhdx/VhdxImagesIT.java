package dev.ferry.format.vhdx;

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
import org.junit.jupiter.api.TestFactory;

/**
 * Every row of the generated manifest ({@code -Dferry.testImages=DIR}) claimed as VHDX, inspected
 * directly with {@link VhdxInspector} and the manifest's limit. Skipped when the property is absent.
 */
class VhdxImagesIT {
    private static final long MANIFEST_LIMIT = 16_777_216L;
    /**
     * Rows whose manifest virtual size cannot be read from the file: vhdx-truncated.vhdx ends at
     * 3 MiB + 4 KiB, before the Virtual Disk Size item at 3 MiB + 64 KiB, so Ferry reports -1.
     */
    private static final List<String> SIZE_PAST_EOF = List.of("vhdx-truncated.vhdx");

    @TestFactory
    Stream<DynamicTest> everyVhdxRowMatchesTheManifest() throws IOException {
        String prop = System.getProperty("ferry.testImages");
        assumeTrue(prop != null && !prop.isBlank(), "ferry.testImages not set");
        Path dir = Path.of(prop);
        assumeTrue(Files.isRegularFile(dir.resolve("manifest.tsv")), "no manifest.tsv in " + dir);
        List<String[]> rows;
        try (Stream<String> lines = Files.lines(dir.resolve("manifest.tsv"), StandardCharsets.UTF_8)) {
            rows = lines.skip(1).map(l -> l.split("\t", -1)).filter(r -> r.length >= 6 && r[1].equals("vhdx")).toList();
        }
        assertThat(rows).hasSizeGreaterThanOrEqualTo(5);
        Limits limits = new Limits(MANIFEST_LIMIT, MANIFEST_LIMIT);
        return rows.stream().map(r -> DynamicTest.dynamicTest(r[0], () -> {
            Inspection in;
            try (FileReadSource src = FileReadSource.open(dir.resolve(r[0]))) {
                in = new VhdxInspector().inspect(src, limits);
            }
            String why = r[0] + " (" + r[6] + "): " + in;
            assertThat(in.verdict().name()).as(why).isEqualTo(r[2]);
            assertThat(in.rejection() == null ? "-" : in.rejection().code()).as(why).isEqualTo(r[3]);
            long expected = r[4].equals("-") ? -1 : Long.parseLong(r[4]);
            if (SIZE_PAST_EOF.contains(r[0])) {
                assertThat(in.virtualSize()).as(why).isEqualTo(-1);
            } else {
                assertThat(in.virtualSize()).as(why).isEqualTo(expected);
            }
            if (in.accepted()) {
                assertThat(in.qemuVirtualSize()).as(why).isEqualTo(Long.parseLong(r[5]));
            }
        }));
    }
}
