package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.format.convert.TargetFormat;
import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import dev.ferry.server.tasks.DataServer;
import dev.ferry.server.tasks.TestImages;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Glance's interoperable image import over HTTP against a real server: discovery, stage,
 * import with glance-direct and web-download (a loopback data server), the image's tasks, and
 * every refusal with Glance's status and text. Each subclass runs it on one database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ImageImportContract {

    static final long CAP = 4 * 1024 * 1024;
    static final String OWNER_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    static final String OWNER_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    TestServer server;
    DataServer data;
    Path dir;
    byte[] qcow2;
    byte[] raw;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    abstract String databaseUrl(Path dir);

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        this.dir = dir;
        data = new DataServer();
        raw = TestImages.raw(1024 * 1024 + 512, 7);
        qcow2 = TestImages.convert(raw, TargetFormat.QCOW2, Files.createDirectories(dir.resolve("work")));
        server = new TestServer(dir.resolve("ferry"), databaseUrl(dir), Map.of("images.max_upload_bytes",
                Long.toString(CAP), "url.allowed_hosts", "127.0.0.1", "url.allowed_ports",
                Integer.toString(data.port())), Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (data != null) {
            data.close();
        }
    }

    // --- helpers

    static String[] project(String project) {
        return new String[] {"X-Project-Id", project, "X-Roles", "member", "X-User-Id", "u-" + project};
    }

    String createImage(String body, String... headers) {
        Reply r = server.postJson("/v2/images", body, headers);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    String queuedImage(String diskFormat) {
        return createImage("{\"name\": \"imported\", \"disk_format\": \"" + diskFormat
                + "\", \"container_format\": \"bare\"}");
    }

    JsonNode image(String id) {
        Reply r = server.get("/v2/images/" + id);
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    HttpResponse<String> stage(String id, byte[] body, boolean chunked, String contentType, String... headers) {
        HttpRequest.BodyPublisher publisher = chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base() + "/v2/images/" + id + "/stage"))
                .timeout(Duration.ofSeconds(30)).PUT(publisher).header("Content-Type", contentType);
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply importImage(String id, String body, String... headers) {
        return server.postJson("/v2/images/" + id + "/import", body, headers);
    }

    JsonNode awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> image(id).get("status").asString(), s -> s.equals(status));
        return image(id);
    }

    JsonNode onlyTask(String imageId) {
        Reply r = server.get("/v2/images/" + imageId + "/tasks");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("tasks")).hasSize(1);
        return r.json().get("tasks").get(0);
    }

    JsonNode awaitTerminalTask(String imageId) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> onlyTask(imageId).get("status").asString(), s -> s.equals("success") || s.equals("failure"));
        return onlyTask(imageId);
    }

    static String hex(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    long filesNamed(String part) throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("ferry"))) {
            return files.filter(p -> p.getFileName().toString().contains(part)).count();
        }
    }

    // --- discovery

    @Test
    void infoImportListsTheEnabledMethods() {
        Reply r = server.get("/v2/info/import");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().toString()).isEqualTo("{\"import-methods\":{\"description\":\"Import methods available.\","
                + "\"type\":\"array\",\"value\":[\"glance-direct\",\"web-download\"]}}");
        assertThat(server.send("POST", "/v2/info/import", "{}", "Content-Type", "application/json").status())
                .isEqualTo(405);
    }

    @Test
    void infoStoresIs404WithoutMultistoreAsGlance() {
        for (String path : new String[] {"/v2/info/stores", "/v2/info/stores/detail"}) {
            Reply r = server.get(path, "Accept", "application/json");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.message()).isEqualTo("Multi backend is not supported at this site.");
        }
    }

    @Test
    void createAnnouncesTheImportMethods() {
        Reply r = server.postJson("/v2/images", "{\"name\": \"x\"}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("OpenStack-image-import-methods")).isEqualTo("glance-direct,web-download");
        assertThat(r.header("OpenStack-image-store-ids")).isNull();
    }

    // --- glance-direct

    @Test
    void glanceDirectStagesThenImportsAChunkedUpload() throws IOException {
        String id = queuedImage("qcow2");
        HttpResponse<String> staged = stage(id, qcow2, true, "application/octet-stream");
        assertThat(staged.statusCode()).as(staged.body()).isEqualTo(204);
        JsonNode uploading = image(id);
        assertThat(uploading.get("status").asString()).isEqualTo("uploading");
        assertThat(uploading.get("size").asLong()).isEqualTo(qcow2.length);
        assertThat(filesNamed("staging-" + id)).isEqualTo(1);

        Reply accepted = importImage(id, "{\"method\": {\"name\": \"glance-direct\"}}");
        assertThat(accepted.status()).as(accepted.raw().body()).isEqualTo(202);
        assertThat(accepted.raw().body()).isEmpty();
        JsonNode active = awaitStatus(id, "active");
        assertThat(active.get("checksum").asString()).isEqualTo(hex("MD5", qcow2));
        assertThat(active.get("os_hash_algo").asString()).isEqualTo("sha512");
        assertThat(active.get("os_hash_value").asString()).isEqualTo(hex("SHA-512", qcow2));
        assertThat(active.get("size").asLong()).isEqualTo(qcow2.length);
        assertThat(active.get("virtual_size").asLong()).isEqualTo(raw.length);
        assertThat(active.get("disk_format").asString()).isEqualTo("qcow2");
        assertThat(active.has("os_glance_import_task")).isFalse();
        assertThat(active.get("os_glance_importing_to_stores").asString()).isEmpty();
        assertThat(active.get("os_glance_failed_import").asString()).isEmpty();
        Reply file = server.get("/v2/images/" + id + "/file");
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.header("Content-MD5")).isEqualTo(hex("MD5", qcow2));
        assertThat(filesNamed("staging-" + id)).isZero();

        JsonNode task = onlyTask(id);
        assertThat(task.get("type").asString()).isEqualTo("api_image_import");
        assertThat(task.get("status").asString()).isEqualTo("success");
        assertThat(task.get("image_id").asString()).isEqualTo(id);
        assertThat(task.get("request_id").asString()).isEqualTo(accepted.header("X-Openstack-Request-Id"));
        assertThat(task.get("input").get("image_id").asString()).isEqualTo(id);
        assertThat(task.get("input").get("import_req").get("method").get("name").asString()).isEqualTo("glance-direct");
        assertThat(task.get("input").get("backend").toString()).isEqualTo("[null]");
        assertThat(task.get("result").get("image_id").asString()).isEqualTo(id);
        assertThat(task.get("created_at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
        Reply shown = server.get("/v2/tasks/" + task.get("id").asString());
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.json().get("type").asString()).isEqualTo("api_image_import");
        assertThat(shown.json().get("status").asString()).isEqualTo("success");
    }

    @Test
    void stageRefusesWhatGlanceRefuses() {
        String id = queuedImage("raw");
        assertThat(stage(id, raw, false, "text/plain").statusCode()).isEqualTo(415);
        assertThat(stage("00000000-0000-4000-8000-000000000000", raw, false, "application/octet-stream").statusCode())
                .isEqualTo(404);
        assertThat(stage(id, raw, false, "application/octet-stream").statusCode()).isEqualTo(204);
        HttpResponse<String> again = stage(id, raw, false, "application/octet-stream", "Accept", "application/json");
        assertThat(again.statusCode()).isEqualTo(409);
    }

    @Test
    void stageOverTheCapIs413AndTheImageStaysQueued() throws IOException {
        String id = queuedImage("raw");
        byte[] big = new byte[(int) CAP + 4096];
        HttpResponse<String> chunked = stage(id, big, true, "application/octet-stream", "Accept", "application/json");
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(image(id).get("status").asString()).isEqualTo("queued");
        assertThat(filesNamed("staging-" + id)).isZero();
        assertThat(stage(id, big, false, "application/octet-stream").statusCode()).isEqualTo(413);
        assertThat(image(id).get("status").asString()).isEqualTo("queued");
    }

    @Test
    void anotherProjectsImagesAre404Or403() {
        String privateImage = createImage("{\"name\": \"p\", \"disk_format\": \"raw\", \"container_format\": \"bare\", "
                + "\"visibility\": \"private\"}", project(OWNER_A));
        String community = createImage("{\"name\": \"c\", \"disk_format\": \"raw\", \"container_format\": \"bare\", "
                + "\"visibility\": \"community\"}", project(OWNER_A));
        assertThat(stage(privateImage, raw, false, "application/octet-stream", project(OWNER_B)).statusCode())
                .isEqualTo(404);
        assertThat(stage(community, raw, false, "application/octet-stream", project(OWNER_B)).statusCode())
                .isEqualTo(403);
        assertThat(importImage(privateImage, "{\"method\": {\"name\": \"web-download\", \"uri\": \""
                + data.serve("/p.raw", raw) + "\"}}", project(OWNER_B)).status()).isEqualTo(404);
        assertThat(importImage(community, "{\"method\": {\"name\": \"web-download\", \"uri\": \""
                + data.serve("/p.raw", raw) + "\"}}", project(OWNER_B)).status()).isEqualTo(403);
        assertThat(server.get("/v2/images/" + privateImage + "/tasks", project(OWNER_B)).status()).isEqualTo(404);
        assertThat(image(community).get("status").asString()).isEqualTo("queued");
    }

    @Test
    void deletingAStagedImageRemovesItsStagedData() throws IOException {
        String id = queuedImage("raw");
        assertThat(stage(id, raw, false, "application/octet-stream").statusCode()).isEqualTo(204);
        assertThat(filesNamed("staging-" + id)).isEqualTo(1);
        assertThat(server.send("DELETE", "/v2/images/" + id, null).status()).isEqualTo(204);
        assertThat(filesNamed("staging-" + id)).isZero();
    }

    @Test
    void glanceDirectNeedsStagedData() {
        String id = queuedImage("raw");
        Reply r = importImage(id, "{\"method\": {\"name\": \"glance-direct\"}}", "Accept", "application/json");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.message()).isEqualTo("Image needs to be staged before 'glance-direct' method can be used");
    }

    @Test
    void aMismatchedStagedImageFailsTheTaskAndGoesBackToQueued() {
        String id = queuedImage("qcow2");
        assertThat(stage(id, raw, false, "application/octet-stream").statusCode()).isEqualTo(204);
        assertThat(importImage(id, "{\"method\": {\"name\": \"glance-direct\"}}").status()).isEqualTo(202);
        JsonNode task = awaitTerminalTask(id);
        assertThat(task.get("status").asString()).isEqualTo("failure");
        assertThat(task.get("message").asString()).contains("qcow2");
        JsonNode queued = awaitStatus(id, "queued");
        assertThat(queued.has("os_glance_import_task")).isFalse();
        assertThat(queued.get("os_glance_failed_import").asString()).isEmpty();
        assertThat(queued.get("size").isNull()).isTrue();
        // the data went with the failure: stage again, import again
        assertThat(stage(id, qcow2, false, "application/octet-stream").statusCode()).isEqualTo(204);
        assertThat(importImage(id, "{\"method\": {\"name\": \"glance-direct\"}}").status()).isEqualTo(202);
        assertThat(awaitStatus(id, "active").get("checksum").asString()).isEqualTo(hex("MD5", qcow2));
    }

    // --- web-download

    @Test
    void webDownloadImportsFromAUrl() {
        String id = queuedImage("raw");
        Reply accepted = importImage(id, "{\"method\": {\"name\": \"web-download\", \"uri\": \""
                + data.serve("/disk.raw", raw) + "\"}}");
        assertThat(accepted.status()).as(accepted.raw().body()).isEqualTo(202);
        JsonNode active = awaitStatus(id, "active");
        assertThat(active.get("checksum").asString()).isEqualTo(hex("MD5", raw));
        assertThat(active.get("os_hash_value").asString()).isEqualTo(hex("SHA-512", raw));
        assertThat(active.get("size").asLong()).isEqualTo(raw.length);
        assertThat(active.get("virtual_size").asLong()).isEqualTo(raw.length);
        JsonNode task = onlyTask(id);
        assertThat(task.get("input").get("import_req").get("method").get("uri").asString()).endsWith("/disk.raw");
        assertThat(importImage(id, "{\"method\": {\"name\": \"web-download\", \"uri\": \""
                + data.url("/disk.raw") + "\"}}").status()).isEqualTo(409);
        // the os_glance_* properties the import left do not stand in the way of a later PATCH
        Reply patched = server.send("PATCH", "/v2/images/" + id, "[{\"op\": \"replace\", \"path\": \"/name\", "
                + "\"value\": \"renamed\"}]", "Content-Type", "application/openstack-images-v2.1-json-patch");
        assertThat(patched.status()).as(patched.raw().body()).isEqualTo(200);
        assertThat(patched.json().get("name").asString()).isEqualTo("renamed");
        assertThat(patched.json().get("os_glance_failed_import").asString()).isEmpty();
        Reply reserved = server.send("PATCH", "/v2/images/" + id, "[{\"op\": \"remove\", \"path\": "
                + "\"/os_glance_failed_import\"}]", "Content-Type", "application/openstack-images-v2.1-json-patch");
        assertThat(reserved.status()).isEqualTo(403);
    }

    @Test
    void webDownloadFailureShowsTheCauseAndAllowsARetry() {
        String id = queuedImage("qcow2");
        assertThat(importImage(id, "{\"method\": {\"name\": \"web-download\", \"uri\": \""
                + data.url("/missing.qcow2") + "\"}}").status()).isEqualTo(202);
        JsonNode task = awaitTerminalTask(id);
        assertThat(task.get("status").asString()).isEqualTo("failure");
        assertThat(task.get("message").asString()).contains("/missing.qcow2").contains("404");
        assertThat(awaitStatus(id, "queued").has("os_glance_import_task")).isFalse();
        assertThat(importImage(id, "{\"method\": {\"name\": \"web-download\", \"uri\": \""
                + data.serve("/here.qcow2", qcow2) + "\"}}").status()).isEqualTo(202);
        assertThat(awaitStatus(id, "active").get("virtual_size").asLong()).isEqualTo(raw.length);
        assertThat(server.get("/v2/images/" + id + "/tasks").json().get("tasks")).hasSize(2);
    }

    @Test
    void anImageDeletedDuringItsImportFailsTheTaskAndKeepsNoData() throws Exception {
        String id = queuedImage("raw");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try {
            String uri = data.gate("/gated.raw", raw, release);
            assertThat(importImage(id, "{\"method\": {\"name\": \"web-download\", \"uri\": \"" + uri + "\"}}").status())
                    .isEqualTo(202);
            String taskId = onlyTask(id).get("id").asString();
            await().atMost(Duration.ofSeconds(30)).until(() -> server.get("/v2/tasks/" + taskId).json()
                    .get("status").asString(), s -> s.equals("processing"));
            assertThat(server.send("DELETE", "/v2/images/" + id, null).status()).isEqualTo(204);
            release.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> server.get("/v2/tasks/" + taskId).json()
                    .get("status").asString(), s -> s.equals("failure"));
            assertThat(server.get("/v2/tasks/" + taskId).json().get("message").asString())
                    .isEqualTo("Image " + id + " has been deleted, aborting import.");
            assertThat(filesNamed("task-" + taskId)).isZero();
            assertThat(server.get("/v2/images/" + id).status()).isEqualTo(404);
        } finally {
            release.countDown();
        }
    }

    @Test
    void webDownloadUrlsAreFilteredAtRequestTime() {
        String id = queuedImage("raw");
        for (String uri : new String[] {"ftp://127.0.0.1/x.raw", "file:///etc/passwd",
                "http://127.0.0.1:1/x.raw", "http://10.1.2.3/x.raw", "not a url"}) {
            Reply r = importImage(id, "{\"method\": {\"name\": \"web-download\", \"uri\": \"" + uri + "\"}}",
                    "Accept", "application/json");
            assertThat(r.status()).as(uri).isEqualTo(400);
            assertThat(r.message()).startsWith("URI for web-download does not pass filtering: " + uri);
        }
        Reply none = importImage(id, "{\"method\": {\"name\": \"web-download\"}}", "Accept", "application/json");
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.message()).isEqualTo("URI for web-download does not pass filtering: None");
        assertThat(image(id).get("status").asString()).isEqualTo("queued");
        assertThat(server.get("/v2/images/" + id + "/tasks").json().get("tasks")).isEmpty();
    }

    // --- refusals of the import call

    @Test
    void importBodiesAreCheckedAsGlance() {
        String id = queuedImage("raw");
        String[][] cases = {
            {"{}", "Import request requires a 'method' field."},
            {"{\"method\": {}}", "Import request requires a 'name' field."},
            {"{\"method\": {\"name\": \"foo\"}}", "Unknown import method name 'foo'."},
            {"[]", "Import request requires a 'method' field."},
            {"{\"method\": \"glance-direct\"}", "Import request requires a 'name' field."},
            {"{\"method\": {\"name\": 5}}", "Unknown import method name '5'."},
            {"{\"method\": {\"name\": \"" + "x".repeat(5000) + "\"}}", "Unknown import method name '"
                + "x".repeat(255) + "...'."},
            {"{\"method\": {\"name\": \"copy-image\"}}", "Unknown import method name 'copy-image'."},
            {"{\"method\": {\"name\": \"web-download\", \"uri\": \"http://127.0.0.1/x\"}, \"all_stores\": \"yes\"}",
                "'all_stores' must be boolean value only"},
            {"{\"method\": {\"name\": \"web-download\", \"uri\": \"http://127.0.0.1/x\"}, "
                + "\"all_stores_must_succeed\": 1}", "'all_stores_must_succeed' must be boolean value only"},
            {"{\"method\": {\"name\": \"web-download\", \"uri\": \"" + data.url("/x") + "\"}, "
                + "\"all_stores_must_succeed\": false}", "All_stores_must_succeed can only be set with enabled_backends "
                + data.url("/x")},
        };
        for (String[] c : cases) {
            Reply r = importImage(id, c[0], "Accept", "application/json");
            assertThat(r.status()).as(c[0]).isEqualTo(400);
            assertThat(r.message()).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(importImage("00000000-0000-4000-8000-000000000000", "{\"method\": {\"name\": \"glance-direct\"}}")
                .status()).isEqualTo(404);
        assertThat(server.get("/v2/images/00000000-0000-4000-8000-000000000000/tasks").status()).isEqualTo(404);
    }

    @Test
    void importNeedsTheRightStatusAndFormats() {
        String noContainer = createImage("{\"name\": \"n\", \"disk_format\": \"raw\"}");
        Reply r = importImage(noContainer, "{\"method\": {\"name\": \"web-download\", \"uri\": \""
                + data.serve("/c.raw", raw) + "\"}}", "Accept", "application/json");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.message()).isEqualTo("'container_format' needs to be set before import");

        String staged = queuedImage("raw");
        assertThat(stage(staged, raw, false, "application/octet-stream").statusCode()).isEqualTo(204);
        r = importImage(staged, "{\"method\": {\"name\": \"web-download\", \"uri\": \"" + data.url("/c.raw") + "\"}}",
                "Accept", "application/json");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.message()).isEqualTo("Image needs to be in 'queued' state to use 'web-download' method");
    }

    @Test
    void legacyTasksOfTypeApiImageImportCannotTouchImages() {
        String id = queuedImage("raw");
        Reply r = server.postJson("/v2/tasks", "{\"type\": \"api_image_import\", \"input\": {\"image_id\": \"" + id
                + "\", \"import_req\": {\"method\": {\"name\": \"web-download\", \"uri\": \""
                + data.serve("/l.raw", raw) + "\"}}}}");
        assertThat(r.status()).isEqualTo(201);
        String taskId = r.json().get("id").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> server.get("/v2/tasks/" + taskId).json()
                .get("status").asString(), s -> s.equals("failure"));
        assertThat(server.get("/v2/tasks/" + taskId).json().get("message").asString())
                .contains("is not being imported by task " + taskId);
        assertThat(image(id).get("status").asString()).isEqualTo("queued");
    }

    @Test
    void theOutputFormatConvertsAndTheImageSaysSo() {
        try (TestServer converting = new TestServer(dir.resolve("to-raw"), databaseUrl(dir.resolve("to-raw")),
                Map.of("import.output_format", "raw", "url.allowed_hosts", "127.0.0.1", "url.allowed_ports",
                        Integer.toString(data.port())), Clock.systemUTC())) {
            String id = converting.postJson("/v2/images", "{\"name\": \"q\", \"disk_format\": \"qcow2\", "
                    + "\"container_format\": \"bare\"}").json().get("id").asString();
            assertThat(converting.postJson("/v2/images/" + id + "/import", "{\"method\": {\"name\": \"web-download\", "
                    + "\"uri\": \"" + data.serve("/to-raw.qcow2", qcow2) + "\"}}").status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                    converting.get("/v2/images/" + id).json().get("status").asString(), s -> s.equals("active"));
            JsonNode active = converting.get("/v2/images/" + id).json();
            assertThat(active.get("disk_format").asString()).isEqualTo("raw");
            assertThat(active.get("size").asLong()).isEqualTo(raw.length);
            assertThat(active.get("checksum").asString()).isEqualTo(hex("MD5", raw));
            assertThat(active.get("os_hash_value").asString()).isEqualTo(hex("SHA-512", raw));
        }
    }

    @Test
    void disabledMethodsAreRefusedAsGlance() {
        try (TestServer only = new TestServer(dir.resolve("only-web"), databaseUrl(dir.resolve("only-web")),
                Map.of("import.methods", "web-download"), Clock.systemUTC())) {
            assertThat(only.get("/v2/info/import").json().get("import-methods").get("value").toString())
                    .isEqualTo("[\"web-download\"]");
            Reply created = only.postJson("/v2/images", "{\"name\": \"x\", \"disk_format\": \"raw\", "
                    + "\"container_format\": \"bare\"}");
            assertThat(created.header("OpenStack-image-import-methods")).isEqualTo("web-download");
            String id = created.json().get("id").asString();
            Reply stage = only.send("PUT", "/v2/images/" + id + "/stage", "x", "Content-Type",
                    "application/octet-stream", "Accept", "application/json");
            assertThat(stage.status()).isEqualTo(404);
            assertThat(stage.message()).isEqualTo("'glance-direct' method is not available at this site.");
            Reply r = only.postJson("/v2/images/" + id + "/import", "{\"method\": {\"name\": \"glance-direct\"}}",
                    "Accept", "application/json");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.message()).isEqualTo("Unknown import method name 'glance-direct'.");
        }
    }
}
