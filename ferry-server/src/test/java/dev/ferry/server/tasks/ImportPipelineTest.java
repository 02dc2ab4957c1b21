package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.convert.TargetFormat;
import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The import pipeline in the {@code openstack} profile, end to end over HTTP: a loopback data
 * server, a real Ferry (H2, file store), images made in code with Ferry's writers.
 */
class ImportPipelineTest {

    static final int DISK = 4 * 1024 * 1024;

    @TempDir
    static Path dir;
    static DataServer data;
    static TestServer ferry;
    static byte[] raw;
    static byte[] qcow2;

    @BeforeAll
    static void start() throws IOException {
        data = new DataServer();
        Path work = Files.createDirectories(dir.resolve("work"));
        raw = TestImages.raw(DISK, 7);
        qcow2 = TestImages.convert(raw, TargetFormat.QCOW2, work);
        Path ferryDir = Files.createDirectories(dir.resolve("ferry"));
        ferry = new TestServer(ferryDir, "jdbc:h2:mem:pipeline;DB_CLOSE_DELAY=-1", Map.of(
                "url.allowed_hosts", "127.0.0.1", "url.allowed_ports", String.valueOf(data.port()),
                "url.read_timeout_seconds", "1", "url.max_bytes", String.valueOf(64L << 20)), Clock.systemUTC());
        // The first answer of a cold data server can take longer than the 1 s read timeout on a
        // loaded machine: warm it up before any test's import depends on it.
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(data.serve("/warm-up", raw))).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
        data.close();
    }

    static JsonNode run(String body) {
        Reply r = ferry.postJson("/v2/tasks", body);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        String id = r.json().get("id").asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            String s = ferry.get("/v2/tasks/" + id).json().get("status").asString();
            return s.equals("success") || s.equals("failure");
        });
        return ferry.get("/v2/tasks/" + id).json();
    }

    static JsonNode importTask(String from, String fromFormat, String diskFormat) {
        return run("{\"type\": \"import\", \"input\": {\"import_from\": \"" + from + "\", \"import_from_format\": \""
                + fromFormat + "\", \"image_properties\": {\"name\": \"n\""
                + (diskFormat == null ? "" : ", \"disk_format\": \"" + diskFormat + "\"") + "}}}");
    }

    static byte[] download(String imageId) throws Exception {
        HttpResponse<byte[]> file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(ferry.base() + "/v2/images/" + imageId + "/file")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        return file.body();
    }

    static String hex(String algorithm, byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }

    /** The seed's request body, verbatim but for the URL (example.com is not reachable from a test). */
    static String seedRequest(String url) {
        return """
                {
                    "type": "import",
                    "input": {
                        "import_from": "%s",
                        "import_from_format": "qcow2",
                        "image_properties": {
                            "disk_format": "vhd",
                            "container_format": "ovf"
                        }
                    }
                }
                """.formatted(url);
    }

    /** Failed, no result, no staging file, no blob beyond those of the successful imports. */
    static void assertFailedCleanly(JsonNode task) {
        assertThat(task.get("status").asString()).isEqualTo("failure");
        assertThat(task.get("result").isNull()).isTrue();
        assertNoFilesLeft(dir.resolve("ferry"), 0);
        try {
            assertThat(blobCount()).isEqualTo(successes());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Successful tasks so far: each has exactly one blob. */
    static long successes() {
        long n = 0;
        for (JsonNode t : ferry.get("/v2/tasks?limit=1000").json().get("tasks")) {
            n += t.get("status").asString().equals("success") ? 1 : 0;
        }
        return n;
    }

    /** No staging file at all, and exactly {@code blobs} blobs (the successful imports so far) in the store. */
    static void assertNoFilesLeft(Path ferryDir, int blobs) {
        try (Stream<Path> staging = Files.list(ferryDir.resolve("staging"))) {
            assertThat(staging.toList()).as("staging").isEmpty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (Stream<Path> store = Files.list(ferryDir.resolve("images"))) {
            assertThat(store.filter(p -> p.getFileName().toString().startsWith(".")).toList()).as("temp blobs").isEmpty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static long blobCount() throws IOException {
        try (Stream<Path> store = Files.list(dir.resolve("ferry/images"))) {
            return store.count();
        }
    }

    @Test
    void theSeedRequestStoresTheQcow2SourceAsAVhdWithTheSameContent() throws Exception {
        long before = blobCount();
        JsonNode task = run(seedRequest(data.serve("/seed.qcow2", qcow2)));
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        String imageId = task.get("result").get("image_id").asString();
        JsonNode image = ferry.get("/v2/images/" + imageId).json();
        assertThat(image.get("disk_format").asString()).isEqualTo("vhd");
        assertThat(image.get("container_format").asString()).isEqualTo("ovf");
        assertThat(image.get("status").asString()).isEqualTo("active");
        byte[] stored = download(imageId);
        assertThat(image.get("size").asLong()).isEqualTo(stored.length);
        assertThat(image.get("checksum").asString()).isEqualTo(hex("MD5", stored));
        assertThat(image.get("os_hash_value").asString()).isEqualTo(hex("SHA-512", stored));
        Inspection vhd = TestImages.inspect(stored);
        assertThat(vhd.accepted()).as(String.valueOf(vhd.rejection())).isTrue();
        assertThat(vhd.format()).isEqualTo(DiskFormat.VHD);
        // VHD sizes are rounded up to a CHS geometry, as qemu-img does
        assertThat(image.get("virtual_size").asLong()).isEqualTo(vhd.virtualSize()).isBetween((long) DISK, DISK + (1L << 20));
        byte[] back = TestImages.readBack(stored);
        assertThat(java.util.Arrays.copyOf(back, DISK)).isEqualTo(raw);
        assertThat(java.util.Arrays.copyOfRange(back, DISK, back.length)).containsOnly((byte) 0);
        assertThat(task.get("progress").get("bytes_done").asLong()).isEqualTo(stored.length);
        assertThat(blobCount()).isEqualTo(before + 1);
        assertNoFilesLeft(dir.resolve("ferry"), 0);
    }

    @Test
    void theStoredVhdPassesQemuImgCompareAgainstTheSource() throws Exception {
        Path qemuImg = Stream.of("/usr/bin/qemu-img", "/usr/local/bin/qemu-img").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeThat(qemuImg).as("qemu-img is installed").isNotNull();
        JsonNode task = run(seedRequest(data.serve("/seed-compare.qcow2", qcow2)));
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        Path src = dir.resolve("work/compare-src.qcow2");
        Path dst = dir.resolve("work/compare-dst.vhd");
        Files.write(src, qcow2);
        Files.write(dst, download(task.get("result").get("image_id").asString()));
        Process p = new ProcessBuilder(qemuImg.toString(), "compare", "-f", "qcow2", "-F", "vpc", src.toString(),
                dst.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("Images are identical");
    }

    @Test
    void aRawDiskFormatConvertsAndAMatchingOneStoresTheBytesAsTheyAre() throws Exception {
        JsonNode toRaw = importTask(data.serve("/to-raw.qcow2", qcow2), "qcow2", "raw");
        assertThat(toRaw.get("status").asString()).as(toRaw.toString()).isEqualTo("success");
        String rawId = toRaw.get("result").get("image_id").asString();
        assertThat(download(rawId)).isEqualTo(raw);
        JsonNode rawImage = ferry.get("/v2/images/" + rawId).json();
        assertThat(rawImage.get("disk_format").asString()).isEqualTo("raw");
        assertThat(rawImage.get("checksum").asString()).isEqualTo(hex("MD5", raw));

        JsonNode kept = importTask(data.serve("/kept.qcow2", qcow2), "qcow2", null);
        assertThat(kept.get("status").asString()).as(kept.toString()).isEqualTo("success");
        String keptId = kept.get("result").get("image_id").asString();
        assertThat(download(keptId)).isEqualTo(qcow2);
        JsonNode keptImage = ferry.get("/v2/images/" + keptId).json();
        assertThat(keptImage.get("disk_format").asString()).isEqualTo("qcow2");
        assertThat(keptImage.get("container_format").asString()).isEqualTo("bare");
        assertThat(keptImage.get("virtual_size").asLong()).isEqualTo(DISK);
        assertThat(keptImage.get("os_hash_value").asString()).isEqualTo(hex("SHA-512", qcow2));
    }

    @Test
    void aClaimThatDoesNotMatchTheBytesFailsSayingSo() {
        JsonNode task = importTask(data.serve("/claimed-raw.qcow2", qcow2), "raw", "raw");
        assertThat(task.get("message").asString()).isEqualTo(
                "FORMAT_MISMATCH: the content is qcow2, not raw (the bytes do not match import_from_format 'raw')");
        assertFailedCleanly(task);
    }

    @Test
    void aQcow2WithABackingFileIsRefusedWithItsCode() {
        byte[] backed = qcow2.clone();
        byte[] name = "/etc/passwd".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer header = ByteBuffer.wrap(backed);
        header.putLong(8, 1024).putInt(16, name.length);
        System.arraycopy(name, 0, backed, 1024, name.length);
        JsonNode task = importTask(data.serve("/backed.qcow2", backed), "qcow2", "vhd");
        assertThat(task.get("message").asString()).startsWith("BACKING_FILE: ");
        assertFailedCleanly(task);
    }

    @Test
    void aRawConversionLargerThanTheCapIsRefusedBeforeWriting() throws IOException {
        byte[] huge = TestImages.emptyQcow2(1L << 40, dir.resolve("work"));
        JsonNode task = importTask(data.serve("/exabyte.qcow2", huge), "qcow2", "raw");
        assertThat(task.get("message").asString()).isEqualTo("VIRTUAL_SIZE_LIMIT: converting to raw would store the "
                + "virtual size of " + (1L << 40) + " bytes, more than the limit of " + (64L << 20)
                + " bytes (url.max_bytes)");
        assertFailedCleanly(task);
    }

    @Test
    void sourceErrorsEachHaveTheirOwnMessage() {
        JsonNode missing = importTask(data.url("/missing.qcow2"), "qcow2", null);
        assertThat(missing.get("message").asString()).isEqualTo("Could not download " + data.url("/missing.qcow2")
                + ": HTTP 404 from " + data.url("/missing.qcow2"));
        assertFailedCleanly(missing);

        JsonNode stalled = importTask(data.stall("/stalled.qcow2"), "qcow2", null);
        assertThat(stalled.get("message").asString()).contains("read timeout");
        assertFailedCleanly(stalled);

        JsonNode truncated = importTask(data.truncate("/truncated.qcow2", qcow2, qcow2.length / 2), "qcow2", null);
        assertThat(truncated.get("message").asString()).startsWith("Could not download " + data.url("/truncated.qcow2"))
                .containsAnyOf("after " + qcow2.length / 2 + " bytes", "ended after " + qcow2.length / 2);
        assertFailedCleanly(truncated);

        JsonNode huge = importTask(data.announce("/huge.raw", 65L << 20), "raw", null);
        assertThat(huge.get("message").asString()).contains("exceeds size cap of " + (64L << 20) + " bytes");
        assertFailedCleanly(huge);

        JsonNode unknown = importTask(data.serve("/any.img", raw), "ploop", null);
        assertThat(unknown.get("message").asString()).startsWith("UNSUPPORTED_FORMAT: import_from_format 'ploop'");
        assertFailedCleanly(unknown);
    }

    @Test
    void aConversionRunsWhileTheSourceIsStillDownloading() throws Exception {
        byte[] big = TestImages.raw(4 * DISK, 11);
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        String url = data.hold("/held.raw", big, 3L * DISK, gate);
        Reply r = ferry.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": {\"import_from\": \"" + url
                + "\", \"import_from_format\": \"raw\", \"image_properties\": {\"name\": \"held\", "
                + "\"disk_format\": \"qcow2\"}}}");
        assertThat(r.status()).isEqualTo(201);
        String id = r.json().get("id").asString();
        try {
            // The converter's output grows while the last quarter of the source is held back.
            await().atMost(Duration.ofSeconds(50)).until(() -> outputStagingBytes() > 0);
        } finally {
            gate.countDown();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> !ferry.get("/v2/tasks/" + id).json().get("status")
                .asString().equals("processing"));
        JsonNode task = ferry.get("/v2/tasks/" + id).json();
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        String imageId = task.get("result").get("image_id").asString();
        byte[] stored = download(imageId);
        JsonNode image = ferry.get("/v2/images/" + imageId).json();
        assertThat(image.get("disk_format").asString()).isEqualTo("qcow2");
        assertThat(image.get("virtual_size").asLong()).isEqualTo(big.length);
        assertThat(image.get("checksum").asString()).isEqualTo(hex("MD5", stored));
        assertThat(image.get("os_hash_value").asString()).isEqualTo(hex("SHA-512", stored));
        assertThat(TestImages.readBack(stored)).isEqualTo(big);
        assertNoFilesLeft(dir.resolve("ferry"), 0);
    }

    /** Bytes in the conversion output files of the staging directory. */
    static long outputStagingBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("ferry/staging"))) {
            long n = 0;
            for (Path p : files.filter(p -> p.getFileName().toString().contains("-output-")).toList()) {
                try {
                    n += Files.size(p);
                } catch (java.nio.file.NoSuchFileException e) {
                    // removed meanwhile
                }
            }
            return n;
        }
    }

    @Test
    void aTruncatedDownloadDuringAStreamedConversionLeavesNothingBehind() {
        byte[] big = TestImages.raw(2 * DISK, 12);
        for (String[] c : new String[][] {{"/cut.raw", "raw", "qcow2"}, {"/cut-to-raw.qcow2", "qcow2", "raw"}}) {
            byte[] body = c[1].equals("raw") ? big : qcow2;
            JsonNode task = importTask(data.truncate(c[0], body, body.length / 2), c[1], c[2]);
            assertThat(task.get("message").asString()).as(c[0]).startsWith("Could not download " + data.url(c[0]) + ": ")
                    .containsAnyOf("after " + body.length / 2 + " bytes", "ended after " + body.length / 2);
            assertFailedCleanly(task);
        }
    }

    @Test
    void aSourceTheConverterReadsWithoutComplaintIsStillRefusedByTheInspectionOfTheWholeFile() throws Exception {
        // A valid qcow2 followed by a VHD footer: the qcow2 reader ignores the tail, the
        // inspection of the complete file refuses the polyglot.
        byte[] vhd = TestImages.convert(raw, TargetFormat.VHD_FIXED, dir.resolve("work"));
        byte[] polyglot = java.util.Arrays.copyOf(qcow2, qcow2.length + 512);
        System.arraycopy(vhd, vhd.length - 512, polyglot, qcow2.length, 512);
        JsonNode task = importTask(data.serve("/polyglot.qcow2", polyglot), "qcow2", "raw");
        assertThat(task.get("message").asString()).startsWith("MULTIPLE_FORMATS: ");
        assertFailedCleanly(task);
    }

    @Test
    void badBasePropertiesAreRefusedAtCreation() {
        for (String props : List.of("{\"disk_format\": \"vhdz\"}", "{\"container_format\": \"crate\"}",
                "{\"min_ram\": -1}", "{\"id\": \"x\"}", "[]")) {
            Reply r = ferry.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": {\"import_from\": \""
                    + data.url("/x") + "\", \"import_from_format\": \"raw\", \"image_properties\": " + props + "}}");
            assertThat(r.status()).as(props).isEqualTo(400);
        }
    }
}
