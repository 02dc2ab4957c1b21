package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import dev.ferry.server.tasks.DataServer;
import dev.ferry.server.tasks.TestImages;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Glance's multistore over HTTP against a real server with three file stores (fast, the default;
 * cold; flaky, whose directory a test breaks): the stores API, uploads and imports into named
 * stores, copy-image as an {@code api_image_import} task, delete from one store, download falling
 * back to the next store, and every refusal with Glance's status and text. The stores'
 * directories are listed to show where the data is and that nothing is left behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MultistoreContract {

    static final String OWNER_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    static final String OWNER_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    TestServer server;
    DataServer data;
    Path fast;
    Path cold;
    Path flaky;
    byte[] raw;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    abstract String databaseUrl(Path dir);

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        data = new DataServer();
        raw = TestImages.raw(1024 * 1024 + 512, 11);
        fast = dir.resolve("fast");
        cold = dir.resolve("cold");
        flaky = dir.resolve("flaky");
        server = new TestServer(dir.resolve("ferry"), databaseUrl(dir), Map.ofEntries(
                Map.entry("stores.enabled", "fast:file, cold:file, flaky:file"),
                Map.entry("stores.default", "fast"),
                Map.entry("stores.fast.file.root", fast.toString()),
                Map.entry("stores.fast.description", "Fast disks"),
                Map.entry("stores.cold.file.root", cold.toString()),
                Map.entry("stores.flaky.file.root", flaky.toString()),
                Map.entry("import.methods", "glance-direct,web-download,copy-image"),
                Map.entry("url.allowed_hosts", "127.0.0.1"),
                Map.entry("url.allowed_ports", Integer.toString(data.port()))), Clock.systemUTC());
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

    static String[] project(String project, String role) {
        return new String[] {"X-Project-Id", project, "X-Roles", role, "X-User-Id", "u-" + project};
    }

    String queuedImage(String... headers) {
        // the admin's images are public (other projects see them), a project's are private
        Reply r = server.postJson("/v2/images", "{\"name\": \"m\", \"disk_format\": \"raw\", \"container_format\": "
                + "\"bare\", \"visibility\": \"" + (headers.length == 0 ? "public" : "private") + "\"}", headers);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    HttpResponse<String> put(String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base() + path)).timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/octet-stream")
                .header("Accept", "application/json");
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

    /** An active image whose data was uploaded into {@code store}. */
    String activeImageIn(String store, String... headers) {
        String id = queuedImage(headers);
        String[] all = Stream.concat(Stream.of("X-Image-Meta-Store", store), Stream.of(headers)).toArray(String[]::new);
        HttpResponse<String> r = put("/v2/images/" + id + "/file", raw, all);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        return id;
    }

    JsonNode image(String id) {
        Reply r = server.get("/v2/images/" + id);
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    Reply importImage(String id, String body, String... headers) {
        String[] all = Stream.concat(Stream.of(headers), Stream.of("Accept", "application/json")).toArray(String[]::new);
        return server.postJson("/v2/images/" + id + "/import", body, all);
    }

    Reply deleteFromStore(String store, String id, String... headers) {
        String[] all = Stream.concat(Stream.of(headers), Stream.of("Accept", "application/json")).toArray(String[]::new);
        return server.send("DELETE", "/v2/stores/" + store + "/" + id, null, all);
    }

    /** Waits until the image has {@code count} tasks, all ended, and its lock is gone; the newest task. */
    JsonNode awaitTask(String imageId, int count) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode tasks = server.get("/v2/images/" + imageId + "/tasks").json().get("tasks");
            boolean ended = true;
            for (JsonNode t : tasks) {
                ended &= t.get("status").asString().matches("success|failure");
            }
            return tasks.size() == count && ended;
        });
        // the image's lock goes in the task's commit or right after its failure is recorded
        await().atMost(Duration.ofSeconds(10)).until(() -> !image(imageId).has("os_glance_import_task"));
        JsonNode newest = null;
        for (JsonNode t : server.get("/v2/images/" + imageId + "/tasks").json().get("tasks")) {
            if (newest == null || t.get("created_at").asString().compareTo(newest.get("created_at").asString()) > 0) {
                newest = t;
            }
        }
        return newest;
    }

    /** The names of the files in a store's directory (temporary upload files included). */
    static List<String> files(Path store) throws IOException {
        if (!Files.isDirectory(store)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(store)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The files of image {@code id} in a store: its key is the image id or an import task's. */
    List<String> blobsOf(Path store, String id) throws IOException {
        List<String> keys = taskKeys(id);
        return files(store).stream().filter(f -> f.contains(id) || keys.stream().anyMatch(f::contains)).toList();
    }

    /** Blob keys of the image's tasks; remembered, so that they are still checked once the image is deleted. */
    private final Map<String, java.util.Set<String>> keysSeen = new java.util.concurrent.ConcurrentHashMap<>();

    private List<String> taskKeys(String imageId) {
        Reply r = server.get("/v2/images/" + imageId + "/tasks");
        java.util.Set<String> keys = keysSeen.computeIfAbsent(imageId, k -> new java.util.LinkedHashSet<>());
        if (r.status() == 200) {
            r.json().get("tasks").forEach(t -> keys.add("task-" + t.get("id").asString()));
        }
        return List.copyOf(keys);
    }

    static String hex(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    byte[] download(String id) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.base() + "/v2/images/" + id + "/file")).build();
        try {
            HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // --- discovery

    @Test
    void infoStoresListsTheStoresWithTheDefaultMarked() {
        Reply r = server.get("/v2/info/stores");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().toString()).isEqualTo("{\"stores\":[{\"id\":\"fast\",\"description\":\"Fast disks\","
                + "\"default\":\"true\"},{\"id\":\"cold\"},{\"id\":\"flaky\"}]}");
        Reply member = server.get("/v2/info/stores", project(OWNER_A, "member"));
        assertThat(member.status()).isEqualTo(200);
    }

    @Test
    void storesDetailIsForAdmins() {
        Reply member = server.get("/v2/info/stores/detail", "Accept", "application/json", "X-Project-Id", OWNER_A,
                "X-Roles", "member");
        assertThat(member.status()).isEqualTo(403);
        assertThat(member.message()).isEqualTo("You are not authorized to complete stores_info_detail action.");
        Reply admin = server.get("/v2/info/stores/detail");
        assertThat(admin.status()).isEqualTo(200);
        JsonNode first = admin.json().get("stores").get(0);
        assertThat(first.get("id").asString()).isEqualTo("fast");
        assertThat(first.get("type").asString()).isEqualTo("file");
        assertThat(first.get("default").asString()).isEqualTo("true");
        assertThat(first.get("properties").get("data_dir").asString()).isEqualTo(fast.toString());
        assertThat(admin.json().get("stores").get(1).get("properties").get("data_dir").asString())
                .isEqualTo(cold.toString());
    }

    @Test
    void createAnnouncesTheStoresAndCopyImage() {
        Reply r = server.postJson("/v2/images", "{\"name\": \"x\"}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("OpenStack-image-store-ids")).isEqualTo("fast,cold,flaky");
        assertThat(r.header("OpenStack-image-import-methods")).isEqualTo("glance-direct,web-download,copy-image");
        assertThat(r.json().has("stores")).isFalse(); // no data yet
    }

    // --- upload

    @Test
    void uploadGoesIntoTheStoreTheHeaderNamesElseTheDefault() throws IOException {
        String inCold = activeImageIn("cold");
        JsonNode image = image(inCold);
        assertThat(image.get("status").asString()).isEqualTo("active");
        assertThat(image.get("stores").asString()).isEqualTo("cold");
        assertThat(blobsOf(cold, inCold)).containsExactly(inCold);
        assertThat(blobsOf(fast, inCold)).isEmpty();
        assertThat(download(inCold)).isEqualTo(raw);

        String id = queuedImage();
        assertThat(put("/v2/images/" + id + "/file", raw).statusCode()).isEqualTo(204);
        assertThat(image(id).get("stores").asString()).isEqualTo("fast");
        assertThat(blobsOf(fast, id)).containsExactly(id);
        assertThat(blobsOf(cold, id)).isEmpty();
        Reply listed = server.get("/v2/images?id=in:" + id + "," + inCold);
        assertThat(listed.json().get("images")).extracting(i -> i.get("stores").asString())
                .containsExactlyInAnyOrder("fast", "cold");
    }

    @Test
    void uploadToAnUnknownStoreIs400AndKeepsTheImageQueued() throws IOException {
        String id = queuedImage();
        HttpResponse<String> r = put("/v2/images/" + id + "/file", raw, "X-Image-Meta-Store", "nowhere");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestServer.JSON.readTree(r.body()).get("message").asString())
                .isEqualTo("Unknown scheme 'nowhere' found in URI");
        assertThat(image(id).get("status").asString()).isEqualTo("queued");
        HttpResponse<String> staged = put("/v2/images/" + id + "/stage", raw, "X-Image-Meta-Store", "nowhere");
        assertThat(staged.statusCode()).isEqualTo(400);
        assertThat(image(id).get("status").asString()).isEqualTo("queued");
        assertThat(blobsOf(fast, id)).isEmpty();
    }

    // --- interoperable import into stores

    @Test
    void glanceDirectImportsIntoEveryRequestedStore() throws IOException {
        String id = queuedImage();
        assertThat(put("/v2/images/" + id + "/stage", raw).statusCode()).isEqualTo(204);
        Reply accepted = importImage(id, "{\"method\": {\"name\": \"glance-direct\"}, \"stores\": [\"cold\", \"fast\"]}");
        assertThat(accepted.status()).as(accepted.raw().body()).isEqualTo(202);
        JsonNode task = awaitTask(id, 1);
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        assertThat(task.get("input").get("backend").toString()).isEqualTo("[\"cold\",\"fast\"]");
        JsonNode image = image(id);
        assertThat(image.get("status").asString()).isEqualTo("active");
        assertThat(List.of(image.get("stores").asString().split(","))).containsExactlyInAnyOrder("cold", "fast");
        assertThat(image.get("os_glance_importing_to_stores").asString()).isEmpty();
        assertThat(image.get("os_glance_failed_import").asString()).isEmpty();
        assertThat(blobsOf(cold, id)).hasSize(1);
        assertThat(blobsOf(fast, id)).hasSize(1); // the blob; the staged data is gone
        assertThat(files(fast)).noneMatch(f -> f.equals("staging-" + id));
        assertThat(download(id)).isEqualTo(raw);
    }

    @Test
    void webDownloadWithAllStoresMustSucceedFalseKeepsTheStoresThatWorked() throws IOException {
        String url = data.serve("/partial.raw", raw);
        String id = queuedImage();
        breakStore(flaky);
        try {
            Reply accepted = importImage(id, "{\"method\": {\"name\": \"web-download\", \"uri\": \"" + url + "\"}, "
                    + "\"stores\": [\"cold\", \"flaky\"], \"all_stores_must_succeed\": false}");
            assertThat(accepted.status()).as(accepted.raw().body()).isEqualTo(202);
            JsonNode task = awaitTask(id, 1);
            assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
            JsonNode image = image(id);
            assertThat(image.get("status").asString()).isEqualTo("active");
            assertThat(image.get("stores").asString()).isEqualTo("cold");
            assertThat(image.get("os_glance_failed_import").asString()).isEqualTo("flaky");
            assertThat(blobsOf(cold, id)).hasSize(1);
        } finally {
            repairStore(flaky);
        }
        assertThat(files(flaky)).isEmpty();
    }

    @Test
    void webDownloadWhenAStoreMustSucceedAndFailsLeavesNothing() throws IOException {
        String url = data.serve("/all.raw", raw);
        String id = queuedImage();
        breakStore(flaky);
        try {
            Reply accepted = importImage(id, "{\"method\": {\"name\": \"web-download\", \"uri\": \"" + url + "\"}, "
                    + "\"stores\": [\"cold\", \"flaky\"]}");
            assertThat(accepted.status()).isEqualTo(202);
            JsonNode task = awaitTask(id, 1);
            assertThat(task.get("status").asString()).isEqualTo("failure");
            assertThat(task.get("message").asString()).contains("store flaky");
            JsonNode image = image(id);
            assertThat(image.get("status").asString()).isEqualTo("queued");
            assertThat(image.has("stores")).isFalse();
            assertThat(image.get("os_glance_failed_import").asString()).isEqualTo("cold,flaky");
            assertThat(blobsOf(cold, id)).isEmpty(); // cold took the data first: removed again
        } finally {
            repairStore(flaky);
        }
        assertThat(files(flaky)).isEmpty();
    }

    @Test
    void whileImportingTheImageNamesTheStoresItGoesTo() throws IOException {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        String url = data.gate("/gated.raw", raw, release);
        String id = queuedImage();
        try {
            Reply accepted = importImage(id, "{\"method\": {\"name\": \"web-download\", \"uri\": \"" + url + "\"}, "
                    + "\"stores\": [\"cold\", \"fast\"]}");
            assertThat(accepted.status()).isEqualTo(202);
            JsonNode importing = image(id);
            assertThat(importing.get("status").asString()).isEqualTo("importing");
            assertThat(importing.get("os_glance_importing_to_stores").asString()).isEqualTo("cold,fast");
            assertThat(importing.get("os_glance_failed_import").asString()).isEmpty();
        } finally {
            release.countDown();
        }
        assertThat(awaitTask(id, 1).get("status").asString()).isEqualTo("success");
        JsonNode active = image(id);
        assertThat(active.get("os_glance_importing_to_stores").asString()).isEmpty();
        assertThat(active.get("stores").asString()).isEqualTo("cold,fast");
        assertThat(blobsOf(cold, id)).hasSize(1);
        assertThat(blobsOf(fast, id)).hasSize(1);
    }

    /** A store whose directory is a regular file: every write into it fails. */
    static void breakStore(Path store) throws IOException {
        if (Files.isDirectory(store)) {
            try (Stream<Path> s = Files.list(store)) {
                assertThat(s.count()).isZero();
            }
            Files.delete(store);
        }
        Files.writeString(store, "not a directory");
    }

    static void repairStore(Path store) throws IOException {
        Files.deleteIfExists(store);
        Files.createDirectories(store);
    }

    @Test
    void importRefusesUnknownStoresAndConflictingStoreArguments() {
        String id = queuedImage();
        String uri = "\"uri\": \"http://127.0.0.1:" + data.port() + "/x\"";
        Reply unknown = importImage(id, "{\"method\": {\"name\": \"web-download\", " + uri + "}, \"stores\": [\"tape\"]}");
        assertThat(unknown.status()).isEqualTo(409);
        assertThat(unknown.message()).isEqualTo("Unknown scheme 'tape' found in URI");
        Reply header = importImage(id, "{\"method\": {\"name\": \"web-download\", " + uri + "}}",
                "X-Image-Meta-Store", "tape");
        assertThat(header.status()).isEqualTo(409);
        Reply both = importImage(id, "{\"method\": {\"name\": \"web-download\", " + uri + "}, \"stores\": [\"cold\"]}",
                "X-Image-Meta-Store", "cold");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.message()).isEqualTo("Stores parameter and x-image-meta-store header can't be both specified");
        Reply all = importImage(id, "{\"method\": {\"name\": \"web-download\", " + uri + "}, \"all_stores\": true, "
                + "\"stores\": [\"cold\"]}");
        assertThat(all.status()).isEqualTo(400);
        assertThat(all.message()).isEqualTo("All_stores parameter can't be used with x-image-meta-store header or "
                + "stores parameter");
        assertThat(image(id).get("status").asString()).isEqualTo("queued");
        assertThat(server.get("/v2/images/" + id + "/tasks").json().get("tasks")).isEmpty();
    }

    // --- copy-image

    @Test
    void copyImageCopiesTheDataIntoTheRequestedStoreAsAnImportTask() throws IOException {
        String id = activeImageIn("fast");
        Reply accepted = importImage(id, "{\"method\": {\"name\": \"copy-image\"}, \"stores\": [\"cold\"]}");
        assertThat(accepted.status()).as(accepted.raw().body()).isEqualTo(202);
        JsonNode task = awaitTask(id, 1);
        assertThat(task.get("type").asString()).isEqualTo("api_image_import");
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        assertThat(task.get("input").get("backend").toString()).isEqualTo("[\"cold\"]");
        JsonNode image = image(id);
        assertThat(image.get("status").asString()).isEqualTo("active");
        assertThat(image.get("stores").asString()).isEqualTo("fast,cold");
        assertThat(image.get("checksum").asString()).isEqualTo(hex("MD5", raw));
        assertThat(image.get("os_glance_importing_to_stores").asString()).isEmpty();
        assertThat(image.get("os_glance_failed_import").asString()).isEmpty();
        assertThat(blobsOf(fast, id)).containsExactly(id);
        assertThat(blobsOf(cold, id)).hasSize(1);
        assertThat(Files.readAllBytes(cold.resolve(blobsOf(cold, id).getFirst()))).isEqualTo(raw);

        // the data is now served from cold once fast's copy is deleted
        Reply removed = deleteFromStore("fast", id);
        assertThat(removed.status()).as(removed.raw().body()).isEqualTo(204);
        assertThat(blobsOf(fast, id)).isEmpty();
        assertThat(image(id).get("stores").asString()).isEqualTo("cold");
        assertThat(download(id)).isEqualTo(raw);

        // and it can be copied back; then deleting the image removes it from every store
        Reply back = importImage(id, "{\"method\": {\"name\": \"copy-image\"}, \"stores\": [\"fast\"]}");
        assertThat(back.status()).isEqualTo(202);
        assertThat(awaitTask(id, 2).get("status").asString()).isEqualTo("success");
        assertThat(List.of(image(id).get("stores").asString().split(","))).containsExactlyInAnyOrder("fast", "cold");
        assertThat(blobsOf(fast, id)).hasSize(1);
        assertThat(server.send("DELETE", "/v2/images/" + id, null).status()).isEqualTo(204);
        assertThat(blobsOf(fast, id)).isEmpty();
        assertThat(blobsOf(cold, id)).isEmpty();
    }

    @Test
    void copyImageWithAllStoresSkipsTheStoresThatHaveTheImage() throws IOException {
        String id = activeImageIn("cold");
        Reply accepted = importImage(id, "{\"method\": {\"name\": \"copy-image\"}, \"all_stores\": true}");
        assertThat(accepted.status()).isEqualTo(202);
        JsonNode task = awaitTask(id, 1);
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        assertThat(task.get("input").get("backend").toString()).isEqualTo("[\"fast\",\"flaky\"]");
        assertThat(List.of(image(id).get("stores").asString().split(","))).containsExactlyInAnyOrder("fast", "cold",
                "flaky");
        assertThat(blobsOf(flaky, id)).hasSize(1);
        // everywhere already: 202 and no task, as Glance
        Reply again = importImage(id, "{\"method\": {\"name\": \"copy-image\"}, \"all_stores\": true}");
        assertThat(again.status()).isEqualTo(202);
        assertThat(server.get("/v2/images/" + id + "/tasks").json().get("tasks")).hasSize(1);
        assertThat(server.send("DELETE", "/v2/images/" + id, null).status()).isEqualTo(204);
        assertThat(blobsOf(fast, id)).isEmpty();
        assertThat(blobsOf(cold, id)).isEmpty();
        assertThat(files(flaky)).isEmpty();
    }

    @Test
    void copyImageRefusesWhatGlanceRefuses() {
        String queued = queuedImage();
        Reply notActive = importImage(queued, "{\"method\": {\"name\": \"copy-image\"}, \"stores\": [\"cold\"]}");
        assertThat(notActive.status()).isEqualTo(409);
        assertThat(notActive.message()).isEqualTo("Only images with status active can be targeted for copying");

        String id = activeImageIn("fast");
        Reply present = importImage(id, "{\"method\": {\"name\": \"copy-image\"}, \"stores\": [\"cold\", \"fast\"]}");
        assertThat(present.status()).isEqualTo(400);
        assertThat(present.message()).isEqualTo("Image is already present at store 'fast'");
        Reply byDefault = importImage(id, "{\"method\": {\"name\": \"copy-image\"}}");
        assertThat(byDefault.status()).isEqualTo(400); // the default store, fast, has it
        Reply unknown = importImage(id, "{\"method\": {\"name\": \"copy-image\"}, \"stores\": [\"tape\"]}");
        assertThat(unknown.status()).isEqualTo(409);
        assertThat(unknown.message()).isEqualTo("Unknown scheme 'tape' found in URI");
        Reply upload = importImage(id, "{\"method\": {\"name\": \"web-download\", \"uri\": \"http://127.0.0.1:"
                + data.port() + "/x\"}, \"stores\": [\"cold\"]}");
        assertThat(upload.status()).isEqualTo(409);
        assertThat(upload.message()).isEqualTo("Image with status active cannot be target for import");
        assertThat(server.get("/v2/images/" + id + "/tasks").json().get("tasks")).isEmpty();
    }

    @Test
    void copyImageIsForAdminsByDefaultAsGlancesCopyImagePolicy() {
        String id = activeImageIn("fast", project(OWNER_A, "member"));
        Reply owner = importImage(id, "{\"method\": {\"name\": \"copy-image\"}, \"stores\": [\"cold\"]}",
                project(OWNER_A, "member"));
        assertThat(owner.status()).isEqualTo(403);
        assertThat(owner.message()).isEqualTo("You are not authorized to complete copy_image action.");
        assertThat(image(id).get("stores").asString()).isEqualTo("fast");
        Reply admin = importImage(id, "{\"method\": {\"name\": \"copy-image\"}, \"stores\": [\"cold\"]}");
        assertThat(admin.status()).isEqualTo(202);
        assertThat(awaitTask(id, 1).get("status").asString()).isEqualTo("success");
    }

    @Test
    void aFailedCopyLeavesNoBlobAndTheImageActiveInItsStore() throws IOException {
        String id = activeImageIn("fast");
        // the stored bytes no longer match the image's checksum: the copy must not record them
        byte[] changed = raw.clone();
        changed[100] ^= 1;
        Files.write(fast.resolve(id), changed);
        Reply accepted = importImage(id, "{\"method\": {\"name\": \"copy-image\"}, \"stores\": [\"cold\"]}");
        assertThat(accepted.status()).isEqualTo(202);
        JsonNode task = awaitTask(id, 1);
        assertThat(task.get("status").asString()).isEqualTo("failure");
        assertThat(task.get("message").asString()).contains("does not match its checksum");
        JsonNode image = image(id);
        assertThat(image.get("status").asString()).isEqualTo("active");
        assertThat(image.get("stores").asString()).isEqualTo("fast");
        assertThat(image.get("os_glance_failed_import").asString()).isEqualTo("cold");
        assertThat(image.has("os_glance_import_task")).isFalse();
        assertThat(blobsOf(cold, id)).isEmpty();
        assertThat(files(cold)).noneMatch(f -> f.startsWith(".tmp-"));
        assertThat(blobsOf(fast, id)).containsExactly(id);
    }

    // --- download and delete from a store

    @Test
    void downloadFallsBackToTheNextStoreWhenTheFirstHasLostTheData() throws IOException {
        String id = activeImageIn("fast");
        assertThat(importImage(id, "{\"method\": {\"name\": \"copy-image\"}, \"stores\": [\"cold\"]}").status())
                .isEqualTo(202);
        assertThat(awaitTask(id, 1).get("status").asString()).isEqualTo("success");
        Files.delete(fast.resolve(id)); // lost behind Ferry's back
        assertThat(download(id)).isEqualTo(raw);
    }

    @Test
    void deleteFromStoreRefusesWhatGlanceRefuses() {
        String id = activeImageIn("fast");
        Reply unknownStore = deleteFromStore("tape", id);
        assertThat(unknownStore.status()).isEqualTo(409);
        assertThat(unknownStore.message()).isEqualTo("The selected store tape is not available on this node.");
        Reply unknownImage = deleteFromStore("fast", "00000000-0000-4000-8000-000000000000");
        assertThat(unknownImage.status()).isEqualTo(404);
        assertThat(unknownImage.message()).isEqualTo("Failed to find image 00000000-0000-4000-8000-000000000000");
        Reply only = deleteFromStore("fast", id);
        assertThat(only.status()).isEqualTo(403);
        assertThat(only.message()).isEqualTo("Cannot delete image data from the only store containing it. Consider "
                + "deleting the image instead.");
        assertThat(importImage(id, "{\"method\": {\"name\": \"copy-image\"}, \"stores\": [\"cold\"]}").status())
                .isEqualTo(202);
        assertThat(awaitTask(id, 1).get("status").asString()).isEqualTo("success");
        Reply notThere = deleteFromStore("flaky", id);
        assertThat(notThere.status()).isEqualTo(404);
        assertThat(notThere.message()).isEqualTo("Image " + id + " is not stored in store flaky.");
        Reply otherProject = deleteFromStore("cold", id, project(OWNER_B, "member"));
        assertThat(otherProject.status()).isEqualTo(403);
        assertThat(otherProject.message()).isEqualTo("You are not authorized to complete get_image_location action.");
        String queued = queuedImage();
        Reply notActive = deleteFromStore("fast", queued);
        assertThat(notActive.status()).isEqualTo(409);
        assertThat(notActive.message()).isEqualTo("It's not allowed to remove image data from store if image status "
                + "is not 'active'");
        assertThat(image(id).get("stores").asString()).isEqualTo("fast,cold");
    }

    @Test
    void theOwnerMayDeleteItsImageFromOneStore() throws IOException {
        String[] owner = project(OWNER_A, "member,reader"); // Keystone's member implies reader
        String id = activeImageIn("fast", owner);
        assertThat(importImage(id, "{\"method\": {\"name\": \"copy-image\"}, \"stores\": [\"cold\"]}").status())
                .isEqualTo(202);
        assertThat(awaitTask(id, 1).get("status").asString()).isEqualTo("success");
        Reply removed = deleteFromStore("cold", id, owner);
        assertThat(removed.status()).isEqualTo(204);
        assertThat(blobsOf(cold, id)).isEmpty();
        assertThat(blobsOf(fast, id)).containsExactly(id);
        assertThat(image(id).get("stores").asString()).isEqualTo("fast");
    }
}
