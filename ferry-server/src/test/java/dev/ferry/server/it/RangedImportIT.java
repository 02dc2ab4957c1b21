package dev.ferry.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import dev.ferry.server.objectstorage.S3Clients;
import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftClient.Call;
import dev.ferry.server.sources.RangeServer;
import dev.ferry.server.tasks.StagingWatch;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * Conversions read by ranges, through the tasks API, with images made by qemu-img: from an http
 * server that does ranges ({@link RangeServer}), from {@code swift://} and from {@code s3://} on the
 * SAIO (skipped when it cannot run). Each stored image passes {@code qemu-img compare} against its
 * source; the staging directory, watched while the task runs, never gets a copy of the source;
 * the http server and the Swift proxy's log show the ranged GETs (206).
 */
class RangedImportIT {

    @TempDir
    static Path dir;
    static Path work;
    static RangeServer http;
    static TestServer ferry;
    static SwiftClient project;
    static S3Client s3;
    static final String CONTAINER = "ranged-" + UUID.randomUUID().toString().substring(0, 8);
    static final String BUCKET = "ranged-" + UUID.randomUUID().toString().substring(0, 8);

    static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        if (rc != 0) {
            System.err.println(String.join(" ", command) + ": " + out);
        }
        return rc;
    }

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(SeedImportIT.qemuImg(), "qemu-img is not installed");
        Saio.require();
        work = Files.createDirectories(dir.resolve("work"));
        Path raw = work.resolve("disk.raw");
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            Random r = new Random(23);
            byte[] mib = new byte[1 << 20];
            for (int i = 0; i < 32; i += 3) { // 11 MiB of data over a 32 MiB disk: several 4 MiB blocks
                r.nextBytes(mib);
                f.seek((long) i << 20);
                f.write(mib);
            }
            f.setLength(32L << 20);
        }
        for (String[] image : new String[][] {{"vpc", "disk.vhd"}, {"vmdk", "disk.vmdk"}}) {
            assertThat(run("qemu-img", "convert", "-f", "raw", "-O", image[0], raw.toString(),
                    work.resolve(image[1]).toString())).isZero();
        }
        http = new RangeServer();
        for (String name : List.of("disk.vhd", "disk.vmdk")) {
            http.serve("/" + name, Files.readAllBytes(work.resolve(name)));
        }
        project = Saio.projectClient();
        assertThat(project.exchange(Call.of("PUT", CONTAINER).body(new ByteArrayEntity(new byte[0], null))).status())
                .isIn(201, 202);
        assertThat(project.exchange(Call.of("PUT", CONTAINER + "/disk.vhd")
                .body(new ByteArrayEntity(Files.readAllBytes(work.resolve("disk.vhd")), null))).status()).isEqualTo(201);
        s3 = S3Clients.create(URI.create(Saio.HOST), "us-east-1", Saio.OPERATOR, Saio.OPERATOR_KEY,
                Duration.ofSeconds(5), Duration.ofSeconds(60));
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.putObject(b -> b.bucket(BUCKET).key("disk.vmdk"), RequestBody.fromFile(work.resolve("disk.vmdk")));
        ferry = new TestServer(Files.createDirectories(dir.resolve("ferry")), "jdbc:h2:mem:rangedit;DB_CLOSE_DELAY=-1",
                Map.of("url.allowed_hosts", "127.0.0.1", "url.allowed_ports", String.valueOf(http.port()),
                        "swift.auth_url", Saio.AUTH_URL.toString(), "swift.user", Saio.OPERATOR,
                        "swift.key", Saio.OPERATOR_KEY,
                        "s3.endpoint", Saio.HOST, "s3.region", "us-east-1", "s3.access_key", Saio.OPERATOR,
                        "s3.secret_key", Saio.OPERATOR_KEY, "s3.bucket", "ferry-store-unused"),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
        if (http != null) {
            http.close();
        }
        if (project != null) {
            project.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    /** Imports, checks the stored image against the source with qemu-img compare and that no source was staged. */
    static void importAndCompare(String from, String fromFormat, String qemuFrom, String diskFormat,
                                 String qemuTo, Path source) throws Exception {
        JsonNode task;
        List<String> staged;
        try (StagingWatch watch = new StagingWatch(dir.resolve("ferry/staging"))) {
            Reply r = ferry.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": {\"import_from\": \"" + from
                    + "\", \"import_from_format\": \"" + fromFormat + "\", \"image_properties\": {\"name\": \"ranged\", "
                    + "\"disk_format\": \"" + diskFormat + "\"}}}", "X-Tenant-Id", Saio.PROJECT, "X-Roles", "admin");
            assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
            task = ferry.awaitTask(r.json().get("id").asString(), Duration.ofSeconds(120),
                    "X-Tenant-Id", Saio.PROJECT, "X-Roles", "admin");
            staged = watch.created();
        }
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        assertThat(staged).as("files created in staging").isNotEmpty()
                .allMatch(name -> name.contains("-output-"), "conversion outputs only");
        String imageId = task.get("result").get("image_id").asString();
        Path stored = work.resolve(imageId + "." + diskFormat);
        HttpResponse<Path> file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(ferry.base() + "/v2/images/" + imageId + "/file")).header("X-Tenant-Id", Saio.PROJECT)
                .header("X-Roles", "admin").build(), HttpResponse.BodyHandlers.ofFile(stored));
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(run("qemu-img", "compare", "-f", qemuFrom, "-F", qemuTo, source.toString(), stored.toString()))
                .as("qemu-img compare").isZero();
        try (Stream<Path> staging = Files.list(dir.resolve("ferry/staging"))) {
            assertThat(staging.toList()).isEmpty();
        }
    }

    @Test
    void aVmdkFromAnHttpServerWithRangesIsConvertedToQcow2() throws Exception {
        importAndCompare(http.url("/disk.vmdk"), "vmdk", "vmdk", "qcow2", "qcow2", work.resolve("disk.vmdk"));
        assertThat(http.rangesSeen("/disk.vmdk")).hasSizeGreaterThan(2).first().isEqualTo("bytes=0-0");
        assertThat(http.requests("/disk.vmdk")).isEqualTo(http.rangesSeen("/disk.vmdk").size());
    }

    @Test
    void aVhdFromAnHttpServerWithRangesIsConvertedToRaw() throws Exception {
        importAndCompare(http.url("/disk.vhd"), "vhd", "vpc", "raw", "raw", work.resolve("disk.vhd"));
        assertThat(http.rangesSeen("/disk.vhd")).hasSizeGreaterThan(2);
        assertThat(http.requests("/disk.vhd")).isEqualTo(http.rangesSeen("/disk.vhd").size());
    }

    @Test
    void aVmdkFromAnHttpServerWithRangesIsConvertedToVhd() throws Exception {
        importAndCompare(http.url("/disk.vmdk"), "vmdk", "vmdk", "vhd", "vpc", work.resolve("disk.vmdk"));
    }

    @Test
    void aVhdInSwiftIsConvertedToQcow2FromRanges() throws Exception {
        importAndCompare("swift://" + CONTAINER + "/disk.vhd", "vhd", "vpc", "qcow2", "qcow2", work.resolve("disk.vhd"));
        assertThat(rangedGetsInProxyLog("/" + CONTAINER + "/disk.vhd")).as("206 answers in the proxy log")
                .isGreaterThan(2);
    }

    @Test
    void aVmdkInS3IsConvertedToRawFromRanges() throws Exception {
        importAndCompare("s3://" + BUCKET + "/disk.vmdk", "vmdk", "vmdk", "raw", "raw", work.resolve("disk.vmdk"));
        assertThat(rangedGetsInProxyLog("/" + BUCKET + "/disk.vmdk")).as("206 answers in the proxy log")
                .isGreaterThan(2);
    }

    /** GETs of {@code path} answered 206 by the SAIO's proxy (its log is written as requests end). */
    static long rangedGetsInProxyLog(String path) throws IOException {
        try (Stream<String> lines = Files.lines(Saio.proxyLog())) {
            return lines.filter(l -> l.contains(" GET ") && l.contains(path + " HTTP/") && l.contains(" 206 ")).count();
        }
    }
}
