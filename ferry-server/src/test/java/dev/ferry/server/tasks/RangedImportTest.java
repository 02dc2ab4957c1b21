package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.format.convert.TargetFormat;
import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import dev.ferry.server.sources.RangeServer;
import dev.ferry.server.sources.RangeServer.Fault;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
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
 * Imports from an http server that does ranges, through the tasks API (H2, file store): a
 * conversion of a format read out of order (VHD, VMDK) reads the source by ranges and stages no
 * copy of it. The staging directory is
 * watched (inotify) while each task runs: the conversion's output file shows up there, a source
 * file must not. Misbehaving servers fail the task with their cause, leaving nothing behind.
 */
class RangedImportTest {

    /** 24 MiB: six 4 MiB blocks, so that a fault from the 4th request hits the conversion. */
    static final int DISK = 24 * 1024 * 1024;

    @TempDir
    static Path dir;
    static RangeServer data;
    static TestServer ferry;
    static byte[] raw;
    static byte[] vhd;
    static byte[] vmdk;
    static byte[] qcow2;

    @BeforeAll
    static void start() throws IOException {
        data = new RangeServer();
        Path work = Files.createDirectories(dir.resolve("work"));
        raw = TestImages.raw(DISK, 11);
        vhd = TestImages.convert(raw, TargetFormat.VHD_DYNAMIC, work);
        vmdk = TestImages.convert(raw, TargetFormat.VMDK_STREAM_OPTIMIZED, work);
        qcow2 = TestImages.convert(raw, TargetFormat.QCOW2, work);
        ferry = new TestServer(Files.createDirectories(dir.resolve("ferry")), "jdbc:h2:mem:ranged;DB_CLOSE_DELAY=-1",
                Map.of("url.allowed_hosts", "127.0.0.1", "url.allowed_ports", String.valueOf(data.port()),
                        "url.read_timeout_seconds", "5", "url.max_bytes", String.valueOf(256L << 20)),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
        data.close();
    }

    /** A task's result and the names of the files created in the staging directory while it ran. */
    record Run(JsonNode task, List<String> staged) {
        String status() {
            return task.get("status").asString();
        }
    }

    static Run importTask(String url, String fromFormat, String diskFormat) throws Exception {
        try (StagingWatch watch = new StagingWatch(dir.resolve("ferry/staging"))) {
            Reply r = ferry.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": {\"import_from\": \"" + url
                    + "\", \"import_from_format\": \"" + fromFormat + "\", \"image_properties\": {\"name\": \"r\", "
                    + "\"disk_format\": \"" + diskFormat + "\"}}}");
            assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
            String id = r.json().get("id").asString();
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                String s = ferry.get("/v2/tasks/" + id).json().get("status").asString();
                return s.equals("success") || s.equals("failure");
            });
            List<String> created = watch.created();
            return new Run(ferry.get("/v2/tasks/" + id).json(), created);
        }
    }

    static byte[] download(String imageId) throws Exception {
        HttpResponse<byte[]> file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(ferry.base() + "/v2/images/" + imageId + "/file")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        return file.body();
    }

    /** Converted from the ranges: same disk content, right digests, and no staged copy of the source. */
    static void assertConvertedFromRanges(Run run, String path, String diskFormat) throws Exception {
        assertThat(run.status()).as(run.task().toString()).isEqualTo("success");
        assertThat(run.staged()).as("files created in staging").isNotEmpty()
                .allMatch(name -> name.contains("-output-"), "conversion outputs only")
                .noneMatch(name -> name.contains("-source-"));
        List<String> ranges = data.rangesSeen(path);
        assertThat(ranges).as("Range headers received").isNotEmpty().first().isEqualTo("bytes=0-0");
        assertThat(data.requests(path)).as("every request was ranged").isEqualTo(ranges.size());
        String imageId = run.task().get("result").get("image_id").asString();
        JsonNode image = ferry.get("/v2/images/" + imageId).json();
        assertThat(image.get("disk_format").asString()).isEqualTo(diskFormat);
        byte[] stored = download(imageId);
        assertThat(image.get("checksum").asString()).isEqualTo(hex("MD5", stored));
        assertThat(image.get("os_hash_value").asString()).isEqualTo(hex("SHA-512", stored));
        byte[] back = diskFormat.equals("raw") ? stored : TestImages.readBack(stored);
        assertThat(Arrays.copyOf(back, DISK)).as("the disk's content").isEqualTo(raw);
        assertThat(back.length).isGreaterThanOrEqualTo(DISK);
        for (int i = DISK; i < back.length; i++) {
            assertThat(back[i]).as("padding at %d", i).isZero();
        }
        assertNothingStaged();
    }

    static String hex(String algorithm, byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }

    static void assertNothingStaged() throws IOException {
        try (Stream<Path> staging = Files.list(dir.resolve("ferry/staging"))) {
            assertThat(staging.toList()).as("staging").isEmpty();
        }
    }

    static long blobCount() throws IOException {
        try (Stream<Path> store = Files.list(dir.resolve("ferry/images"))) {
            return store.count();
        }
    }

    static void assertFailedCleanly(Run run, long blobsBefore, String message) throws IOException {
        assertThat(run.status()).as(run.task().toString()).isEqualTo("failure");
        assertThat(run.task().get("message").asString()).contains(message);
        assertThat(run.task().get("result").isNull()).isTrue();
        assertThat(run.staged()).noneMatch(name -> name.contains("-source-"));
        assertNothingStaged();
        assertThat(blobCount()).as("blobs").isEqualTo(blobsBefore);
    }

    @Test
    void aVhdIsConvertedToRawFromRangesWithoutStagingTheSource() throws Exception {
        Run run = importTask(data.serve("/disk.vhd", vhd), "vhd", "raw");
        assertConvertedFromRanges(run, "/disk.vhd", "raw");
    }

    @Test
    void aVmdkIsConvertedToQcow2FromRanges() throws Exception {
        Run run = importTask(data.serve("/disk.vmdk", vmdk), "vmdk", "qcow2");
        assertConvertedFromRanges(run, "/disk.vmdk", "qcow2");
    }

    /** qcow2 (and raw) convert while they download, which is faster than ranges: no ranged request at all. */
    @Test
    void aQcow2IsConvertedWhileDownloadingEvenFromARangeServer() throws Exception {
        Run run = importTask(data.serve("/disk.qcow2", qcow2), "qcow2", "vhd");
        assertThat(run.status()).as(run.task().toString()).isEqualTo("success");
        assertThat(run.staged()).anyMatch(name -> name.contains("-source-"));
        assertThat(data.rangesSeen("/disk.qcow2")).isEmpty();
        assertThat(data.requests("/disk.qcow2")).isEqualTo(1);
        byte[] back = TestImages.readBack(download(run.task().get("result").get("image_id").asString()));
        assertThat(Arrays.copyOf(back, DISK)).isEqualTo(raw);
        assertNothingStaged();
    }

    @Test
    void withoutConversionTheSourceIsStagedAndStoredAsInspected() throws Exception {
        Run run = importTask(data.serve("/keep.vhd", vhd), "vhd", "vhd");
        assertThat(run.status()).as(run.task().toString()).isEqualTo("success");
        assertThat(run.staged()).anyMatch(name -> name.contains("-source-"));
        assertThat(data.rangesSeen("/keep.vhd")).as("one plain GET").isEmpty();
        assertThat(download(run.task().get("result").get("image_id").asString())).isEqualTo(vhd);
        assertNothingStaged();
    }

    @Test
    void aServerWithoutRangesIsStagedAsBefore() throws Exception {
        Run run = importTask(data.serve("/plain.vhd", vhd, Fault.IGNORE_RANGES, 1), "vhd", "raw");
        assertThat(run.status()).as(run.task().toString()).isEqualTo("success");
        assertThat(run.staged()).anyMatch(name -> name.contains("-source-"));
        assertThat(data.requests("/plain.vhd")).as("the probe, then one download").isEqualTo(2);
        assertThat(Arrays.copyOf(download(run.task().get("result").get("image_id").asString()), DISK)).isEqualTo(raw);
        assertNothingStaged();
    }

    @Test
    void aServerReplacingTheFileMidwayFailsTheTask() throws Exception {
        long before = blobCount();
        Run run = importTask(data.serve("/etag.vhd", vhd, Fault.REPLACED_IGNORING_PRECONDITIONS, 4), "vhd", "raw");
        assertFailedCleanly(run, before, "Could not download " + data.url("/etag.vhd")
                + ": the source changed while being read: ETag \"v2\"");
    }

    @Test
    void aServerReplacingTheFileAndHonouringIfMatchFailsTheTask() throws Exception {
        long before = blobCount();
        Run run = importTask(data.serve("/412.vhd", vhd, Fault.REPLACED, 4), "vhd", "raw");
        assertFailedCleanly(run, before, "the source changed while being read: HTTP 412 (Precondition Failed)");
    }

    @Test
    void aServerLyingAboutContentRangeFailsTheTask() throws Exception {
        long before = blobCount();
        Run run = importTask(data.serve("/lie.vhd", vhd, Fault.WRONG_CONTENT_RANGE, 4), "vhd", "raw");
        assertFailedCleanly(run, before, "the server sent the wrong range: asked bytes=");
    }

    @Test
    void aServerDroppingTheConnectionFailsTheTask() throws Exception {
        long before = blobCount();
        Run run = importTask(data.serve("/drop.vhd", vhd, Fault.DROP_CONNECTION, 4), "vhd", "raw");
        assertFailedCleanly(run, before, "Could not download " + data.url("/drop.vhd") + ": error reading");
    }

    @Test
    void aRefusedImageIsRefusedOverRangesWithTheInspectorsMessage() throws Exception {
        long before = blobCount();
        byte[] notVhd = Arrays.copyOf(qcow2, qcow2.length);
        Run run = importTask(data.serve("/not.vhd", notVhd), "vhd", "raw");
        // the inspector's message, as for a staged source
        assertFailedCleanly(run, before, "The file is not a valid VHD. (no 'conectix' footer cookie in the last 512 bytes)");
        assertThat(data.rangesSeen("/not.vhd")).first().isEqualTo("bytes=0-0");
    }
}
