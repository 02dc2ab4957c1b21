package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The http(s) raw import end to end: a loopback data server, a real Ferry, checksums computed here. */
abstract class ImportJobContract {

    abstract String databaseUrl(Path dir);

    @TempDir
    Path dir;
    HttpServer data;
    TestServer ferry;
    byte[] image;
    int closedPort;

    @BeforeEach
    void start() throws IOException {
        image = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(image);
        data = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        data.createContext("/disk.raw", ex -> {
            ex.sendResponseHeaders(200, image.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(image);
            }
        });
        data.start();
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        ferry = new TestServer(dir, databaseUrl(dir), Map.of("url.allowed_hosts", "127.0.0.1",
                "url.allowed_ports", data.getAddress().getPort() + "," + closedPort), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (ferry != null) {
            ferry.close();
        }
        data.stop(0);
    }

    String url(String path) {
        return "http://127.0.0.1:" + data.getAddress().getPort() + path;
    }

    JsonNode importAndWait(String from, String format) {
        Reply r = ferry.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": {\"import_from\": \"" + from
                + "\", \"import_from_format\": \"" + format + "\", \"image_properties\": {\"name\": \"disk\", "
                + "\"disk_format\": \"" + format + "\", \"container_format\": \"bare\", \"os_distro\": \"debian\"}}}");
        assertThat(r.status()).isEqualTo(201);
        String id = r.json().get("id").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String s = ferry.get("/v2/tasks/" + id).json().get("status").asString();
            return s.equals("success") || s.equals("failure");
        });
        return ferry.get("/v2/tasks/" + id).json();
    }

    @Test
    void importsARawFileIntoAnActiveImageWithGlanceChecksums() throws Exception {
        JsonNode task = importAndWait(url("/disk.raw"), "raw");
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        assertThat(task.get("message").asString()).isEmpty();
        assertThat(task.get("progress").get("bytes_done").asLong()).isEqualTo(image.length);
        String imageId = task.get("result").get("image_id").asString();

        Reply shown = ferry.get("/v2/images/" + imageId);
        assertThat(shown.status()).isEqualTo(200);
        JsonNode img = shown.json();
        assertThat(img.get("status").asString()).isEqualTo("active");
        assertThat(img.get("size").asLong()).isEqualTo(image.length);
        assertThat(img.get("checksum").asString()).isEqualTo(hex("MD5", image));
        assertThat(img.get("os_hash_algo").asString()).isEqualTo("sha512");
        assertThat(img.get("os_hash_value").asString()).isEqualTo(hex("SHA-512", image));
        assertThat(img.get("name").asString()).isEqualTo("disk");
        assertThat(img.get("disk_format").asString()).isEqualTo("raw");
        assertThat(img.get("os_distro").asString()).isEqualTo("debian");
        assertThat(img.get("owner").asString()).isEqualTo("default");
        try (Stream<Path> files = Files.list(dir.resolve("images"))) {
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                    .containsExactly("task-" + task.get("id").asString() + "-1");
        }
        try (Stream<Path> files = Files.list(dir.resolve("staging"))) {
            assertThat(files.toList()).isEmpty();
        }

        HttpResponse<byte[]> file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(ferry.base() + "/v2/images/" + imageId + "/file")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-MD5")).hasValue(hex("MD5", image));
        assertThat(file.body()).isEqualTo(image);

        HttpResponse<byte[]> part = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(ferry.base() + "/v2/images/" + imageId + "/file")).header("Range", "bytes=0-15").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 0-15/" + image.length);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOf(image, 16));
        HttpResponse<byte[]> tail = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(ferry.base() + "/v2/images/" + imageId + "/file")).header("Range", "bytes=-5").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(image, image.length - 5, image.length));
        HttpResponse<byte[]> beyond = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(ferry.base() + "/v2/images/" + imageId + "/file")).header("Range", "bytes=999999999-").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(beyond.statusCode()).isEqualTo(416);

        Reply other = ferry.get("/v2/images/" + imageId, "X-Tenant-Id", "someone-else", "X-Roles", "member");
        assertThat(other.status()).isEqualTo(404);
    }

    @Test
    void aMissingSourceFailsTheTaskWithTheHttpStatusAndLeavesNoBlob() throws IOException {
        JsonNode task = importAndWait(url("/nope.raw"), "raw");
        assertThat(task.get("status").asString()).isEqualTo("failure");
        assertThat(task.get("message").asString()).contains("Could not download").contains("404");
        assertThat(task.get("result").isNull()).isTrue();
        assertThat(task.has("expires_at")).isTrue();
        assertNoFilesLeft();
    }

    @Test
    void nonRawFormatsAndMissingFieldsFailWithPreciseMessages() {
        JsonNode qcow = importAndWait(url("/disk.raw"), "qcow2");
        assertThat(qcow.get("status").asString()).isEqualTo("failure");
        assertThat(qcow.get("message").asString())
                .isEqualTo("BAD_HEADER: no qcow2 magic (the bytes do not match import_from_format 'qcow2')");
        assertNoFilesLeft();

        Reply r = ferry.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": {\"import_from\": \""
                + url("/disk.raw") + "\"}}");
        String id = r.json().get("id").asString();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                ferry.get("/v2/tasks/" + id).json().get("status").asString().equals("failure"));
        assertThat(ferry.get("/v2/tasks/" + id).message()).isEqualTo("Input does not contain 'import_from_format' field");
    }

    @Test
    void aRefusedConnectionAndABadDiskFormatFailTheTaskSayingSo() {
        JsonNode refused = importAndWait("http://127.0.0.1:" + closedPort + "/disk.raw", "raw");
        assertThat(refused.get("status").asString()).isEqualTo("failure");
        assertThat(refused.get("message").asString()).startsWith("Could not download http://127.0.0.1:" + closedPort);

        Reply r = ferry.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": {\"import_from\": \""
                + url("/disk.raw") + "\", \"import_from_format\": \"raw\", \"image_properties\": {\"name\": \"x\", "
                + "\"disk_format\": \"foo\", \"container_format\": \"bare\"}}}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message()).startsWith("Invalid disk_format 'foo'");
        Reply c = ferry.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": {\"import_from\": \""
                + url("/disk.raw") + "\", \"import_from_format\": \"raw\", \"image_properties\": {"
                + "\"disk_format\": \"raw\", \"container_format\": \"box\"}}}");
        assertThat(c.status()).isEqualTo(400);
        assertThat(c.message()).startsWith("Invalid container_format 'box'");
    }

    void assertNoFilesLeft() {
        for (String sub : new String[] {"images", "staging"}) {
            try (Stream<Path> files = Files.walk(dir.resolve(sub))) {
                assertThat(files.filter(Files::isRegularFile).toList()).as(sub).isEmpty();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Test
    void unknownImagesAre404() {
        assertThat(ferry.get("/v2/images/0b1e8f4e-0000-4000-8000-000000000000").status()).isEqualTo(404);
        assertThat(ferry.get("/v2/images/nope/file").status()).isEqualTo(404);
    }

    static String hex(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }
}
