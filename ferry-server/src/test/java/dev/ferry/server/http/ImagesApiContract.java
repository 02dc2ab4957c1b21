package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.convert.Converter;
import dev.ferry.format.convert.TargetFormat;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.ByteArrayReadSource;
import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The images API over HTTP against a real server (api-surface.md section 2 and the Glance
 * transcript's image answers). Each subclass runs it on one database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ImagesApiContract {

    static final long CAP = 4 * 1024 * 1024;
    static final String PATCH_21 = "application/openstack-images-v2.1-json-patch";
    static final String PATCH_20 = "application/openstack-images-v2.0-json-patch";

    TestServer server;
    Path dir;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    abstract String databaseUrl(Path dir);

    @BeforeAll
    void start(@TempDir Path dir) {
        this.dir = dir;
        server = new TestServer(dir, databaseUrl(dir), Map.of("images.max_upload_bytes", Long.toString(CAP)),
                Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String[] as(String project, String roles, String... more) {
        String[] h = {"X-Tenant-Id", project, "X-User-Id", "user-" + project, "X-Roles", roles};
        String[] all = new String[h.length + more.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(more, 0, all, h.length, more.length);
        return all;
    }

    static String project() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    Reply create(String project, String body) {
        return server.postJson("/v2/images", body, as(project, "member"));
    }

    String createImage(String project, String body) {
        Reply r = create(project, body);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    Reply patch(String project, String id, String mediaType, String body) {
        return server.send("PATCH", "/v2/images/" + id, body, as(project, "member", "Content-Type", mediaType));
    }

    Reply upload(String project, String id, byte[] data, String... headers) {
        String[] h = as(project, "member", "Content-Type", "application/octet-stream");
        String[] all = new String[h.length + headers.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(headers, 0, all, h.length, headers.length);
        return sendBytes("PUT", "/v2/images/" + id + "/file", HttpRequest.BodyPublishers.ofByteArray(data), all);
    }

    Reply sendBytes(String method, String path, HttpRequest.BodyPublisher body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base() + path)).timeout(Duration.ofSeconds(60))
                .headers(headers).method(method, body);
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> download(String project, String roles, String id, String... headers) throws Exception {
        String[] h = as(project, roles, headers);
        return client.send(HttpRequest.newBuilder(URI.create(server.base() + "/v2/images/" + id + "/file"))
                .headers(h).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    JsonNode show(String project, String id) {
        Reply r = server.get("/v2/images/" + id, as(project, "member"));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        return r.json();
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        b[0] = 1; // no format signature at the start
        return b;
    }

    static String hex(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }

    byte[] qcow2Of(byte[] raw) throws IOException {
        ByteArrayReadSource src = new ByteArrayReadSource(raw);
        Inspection insp = Inspector.standard().inspect(src, Optional.of(DiskFormat.RAW), Limits.NONE);
        Path out = Files.createTempFile(dir, "disk", ".qcow2");
        Converter.convert(src, insp, TargetFormat.QCOW2, out, (done, total) -> { });
        return Files.readAllBytes(out);
    }

    // --- create, show, delete

    @Test
    void createShowAndDeleteAnImage() {
        String p = project();
        Reply r = create(p, "{\"name\": \"fedora\", \"disk_format\": \"qcow2\", \"container_format\": \"bare\", "
                + "\"tags\": [\"a\", \"b\", \"a\"], \"os_distro\": \"fedora\", \"min_ram\": 512}");
        assertThat(r.status()).isEqualTo(201);
        JsonNode img = r.json();
        String id = img.get("id").asString();
        assertThat(r.header("Location")).isEqualTo(server.base() + "/v2/images/" + id);
        assertThat(img.get("status").asString()).isEqualTo("queued");
        assertThat(img.get("visibility").asString()).isEqualTo("shared");
        assertThat(img.get("owner").asString()).isEqualTo(p);
        assertThat(img.get("size").isNull()).isTrue();
        assertThat(img.get("checksum").isNull()).isTrue();
        assertThat(img.get("min_ram").asInt()).isEqualTo(512);
        assertThat(img.get("os_distro").asString()).isEqualTo("fedora");
        assertThat(img.get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(img.get("self").asString()).isEqualTo("/v2/images/" + id);
        assertThat(img.get("file").asString()).isEqualTo("/v2/images/" + id + "/file");
        assertThat(img.get("schema").asString()).isEqualTo("/v2/schemas/image");

        JsonNode shown = show(p, id);
        assertThat(shown.get("name").asString()).isEqualTo("fedora");
        assertThat(shown.get("os_distro").asString()).isEqualTo("fedora");
        assertThat(shown.get("tags").size()).isEqualTo(2);
        // another project does not see a shared image it is no member of
        assertThat(server.get("/v2/images/" + id, as(project(), "member")).status()).isEqualTo(404);
        // nor may it delete it
        assertThat(server.send("DELETE", "/v2/images/" + id, null, as(project(), "member")).status()).isEqualTo(404);

        assertThat(server.send("DELETE", "/v2/images/" + id, null, as(p, "member")).status()).isEqualTo(204);
        assertThat(server.get("/v2/images/" + id, as(p, "member")).status()).isEqualTo(404);
        assertThat(server.send("DELETE", "/v2/images/" + id, null, as(p, "member")).status()).isEqualTo(404);
    }

    @Test
    void createWithAGivenIdAndADuplicateIsAConflict() {
        String p = project();
        String id = UUID.randomUUID().toString();
        assertThat(createImage(p, "{\"id\": \"" + id + "\"}")).isEqualTo(id);
        Reply dup = create(p, "{\"id\": \"" + id + "\"}");
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.message()).contains(id);
    }

    @Test
    void createRefusesReadOnlyReservedAndInvalidAttributes() {
        String p = project();
        Reply ro = create(p, "{\"status\": \"active\"}");
        assertThat(ro.status()).isEqualTo(403);
        assertThat(ro.message()).isEqualTo("Attribute 'status' is read-only.");
        assertThat(create(p, "{\"checksum\": \"x\"}").status()).isEqualTo(403);
        Reply reserved = create(p, "{\"location\": \"file:///etc/passwd\"}");
        assertThat(reserved.status()).isEqualTo(403);
        assertThat(reserved.message()).isEqualTo("Attribute 'location' is reserved.");
        assertThat(create(p, "{\"os_glance_import_task\": \"x\"}").status()).isEqualTo(403);

        Reply badFormat = create(p, "{\"disk_format\": \"floppy\"}");
        assertThat(badFormat.status()).isEqualTo(400);
        assertThat(badFormat.message()).startsWith("Provided object does not match schema 'image'");
        assertThat(create(p, "{\"visibility\": \"everyone\"}").status()).isEqualTo(400);
        assertThat(create(p, "{\"custom\": 5}").status()).isEqualTo(400);
        assertThat(create(p, "{\"tags\": \"notalist\"}").status()).isEqualTo(400);
        assertThat(create(p, "{\"tags\": [\"" + "t".repeat(256) + "\"]}").status()).isEqualTo(400);
        assertThat(create(p, "{\"name\": \"" + "n".repeat(256) + "\"}").status()).isEqualTo(400);
        assertThat(create(p, "{\"min_ram\": -1}").status()).isEqualTo(400);
        assertThat(create(p, "{\"min_disk\": 99999999999999}").status()).isEqualTo(400);
        assertThat(create(p, "{\"id\": \"not-a-uuid\"}").status()).isEqualTo(400);
        assertThat(create(p, "[1, 2]").status()).isEqualTo(400);
        assertThat(create(p, "{\"name\": ").status()).isEqualTo(400);
        assertThat(create(p, "{\"" + "k".repeat(256) + "\": \"v\"}").status()).isEqualTo(400);

        StringBuilder tags = new StringBuilder("{\"tags\": [");
        for (int i = 0; i < 129; i++) {
            tags.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
        }
        assertThat(create(p, tags.append("]}").toString()).status()).isEqualTo(413);
        StringBuilder props = new StringBuilder("{");
        for (int i = 0; i < 129; i++) {
            props.append(i == 0 ? "" : ",").append("\"p").append(i).append("\": \"v\"");
        }
        assertThat(create(p, props.append("}").toString()).status()).isEqualTo(413);
        String v = "v".repeat(60_000);
        assertThat(create(p, "{\"a\": \"" + v + "\", \"b\": \"" + v + "\", \"c\": \"" + v + "\"}").status())
                .isEqualTo(413);
        assertThat(create(p, "{\"a\": \"" + "v".repeat(65_536) + "\"}").status()).isEqualTo(400);
    }

    @Test
    void onlyAdminsPublicizeAndSetAnotherOwner() {
        String p = project();
        Reply pub = create(p, "{\"visibility\": \"public\"}");
        assertThat(pub.status()).isEqualTo(403);
        assertThat(pub.message()).contains("publicize_image");
        assertThat(create(p, "{\"owner\": \"someone-else\"}").status()).isEqualTo(403);
        Reply admin = server.postJson("/v2/images", "{\"visibility\": \"public\", \"owner\": \"other\"}", as(p, "admin"));
        assertThat(admin.status()).isEqualTo(201);
        assertThat(admin.json().get("owner").asString()).isEqualTo("other");
        // a public image is visible to everyone, but only its owner or an admin changes it
        String id = admin.json().get("id").asString();
        assertThat(show(project(), id).get("visibility").asString()).isEqualTo("public");
        assertThat(patch(project(), id, PATCH_21, "[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"x\"}]")
                .status()).isEqualTo(403);
        assertThat(server.send("DELETE", "/v2/images/" + id, null, as(project(), "member")).status()).isEqualTo(403);
        // community images can be made by anyone
        assertThat(create(p, "{\"visibility\": \"community\"}").status()).isEqualTo(201);
    }

    // --- PATCH

    @Test
    void patchV21ChangesAttributesPropertiesAndTags() {
        String p = project();
        String id = createImage(p, "{\"name\": \"old\", \"extra\": \"1\"}");
        Reply r = patch(p, id, PATCH_21, "[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"Fedora 17\"},"
                + "{\"op\": \"replace\", \"path\": \"/tags\", \"value\": [\"fedora\", \"beefy\"]},"
                + "{\"op\": \"add\", \"path\": \"/os_distro\", \"value\": \"fedora\"},"
                + "{\"op\": \"add\", \"path\": \"/extra\", \"value\": \"2\"},"
                + "{\"op\": \"add\", \"path\": \"/a~1b\", \"value\": \"slash\"},"
                + "{\"op\": \"replace\", \"path\": \"/disk_format\", \"value\": \"raw\"},"
                + "{\"op\": \"replace\", \"path\": \"/protected\", \"value\": true}]");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        JsonNode img = r.json();
        assertThat(img.get("name").asString()).isEqualTo("Fedora 17");
        assertThat(img.get("os_distro").asString()).isEqualTo("fedora");
        assertThat(img.get("extra").asString()).isEqualTo("2");
        assertThat(img.get("a/b").asString()).isEqualTo("slash");
        assertThat(img.get("disk_format").asString()).isEqualTo("raw");
        assertThat(img.get("protected").asBoolean()).isTrue();
        assertThat(show(p, id).get("tags").toString()).contains("fedora", "beefy");

        // protected: cannot be deleted until unprotected
        Reply del = server.send("DELETE", "/v2/images/" + id, null, as(p, "member"));
        assertThat(del.status()).isEqualTo(403);
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"replace\", \"path\": \"/protected\", \"value\": false},"
                + "{\"op\": \"remove\", \"path\": \"/extra\"}]").status()).isEqualTo(200);
        assertThat(show(p, id).has("extra")).isFalse();
        assertThat(server.send("DELETE", "/v2/images/" + id, null, as(p, "member")).status()).isEqualTo(204);
    }

    @Test
    void patchV20FormWorksAndRefusesAddingAnExistingProperty() {
        String p = project();
        String id = createImage(p, "{\"name\": \"old\", \"extra\": \"1\"}");
        Reply r = patch(p, id, PATCH_20, "[{\"replace\": \"/name\", \"value\": \"new\"}, {\"add\": \"/k\", \"value\": \"v\"}]");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        assertThat(r.json().get("name").asString()).isEqualTo("new");
        assertThat(r.json().get("k").asString()).isEqualTo("v");
        assertThat(patch(p, id, PATCH_20, "[{\"add\": \"/extra\", \"value\": \"2\"}]").status()).isEqualTo(409);
        assertThat(patch(p, id, PATCH_20, "[{\"add\": \"/x\", \"remove\": \"/y\", \"value\": \"2\"}]").status())
                .isEqualTo(400);
        assertThat(patch(p, id, PATCH_20, "[{\"op\": \"add\", \"path\": \"/x\", \"value\": \"2\"}]").status())
                .isEqualTo(400);
    }

    @Test
    void patchErrorsFollowGlance() {
        String p = project();
        String id = createImage(p, "{\"name\": \"n\"}");
        Reply json = patch(p, id, "application/json", "[]");
        assertThat(json.status()).isEqualTo(415);
        assertThat(json.header("Accept-Patch")).isEqualTo(PATCH_20 + ", " + PATCH_21);
        Reply ro = patch(p, id, PATCH_21, "[{\"op\": \"replace\", \"path\": \"/status\", \"value\": \"active\"}]");
        assertThat(ro.status()).isEqualTo(403);
        assertThat(ro.message()).isEqualTo("Attribute 'status' is read-only.");
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"replace\", \"path\": \"/id\", \"value\": \"x\"}]").status())
                .isEqualTo(403);
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"add\", \"path\": \"/os_glance_x\", \"value\": \"x\"}]").status())
                .isEqualTo(403);
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"add\", \"path\": \"/locations/-\", \"value\": {}}]").status())
                .isEqualTo(403);
        Reply missing = patch(p, id, PATCH_21, "[{\"op\": \"replace\", \"path\": \"/nothere\", \"value\": \"x\"}]");
        assertThat(missing.status()).isEqualTo(409);
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"remove\", \"path\": \"/nothere\"}]").status()).isEqualTo(409);
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"remove\", \"path\": \"/name\"}]").status()).isEqualTo(403);
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"add\", \"path\": \"/a/b\", \"value\": \"x\"}]").status())
                .isEqualTo(400);
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"add\", \"path\": \"noslash\", \"value\": \"x\"}]").status())
                .isEqualTo(400);
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"add\", \"path\": \"/a~2\", \"value\": \"x\"}]").status())
                .isEqualTo(400);
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"move\", \"path\": \"/name\", \"from\": \"/x\"}]").status())
                .isEqualTo(400);
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"add\", \"path\": \"/name\"}]").status()).isEqualTo(400);
        assertThat(patch(p, id, PATCH_21, "{\"op\": \"add\"}").status()).isEqualTo(400);
        assertThat(patch(p, id, PATCH_21, "[1]").status()).isEqualTo(400);
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"replace\", \"path\": \"/visibility\", \"value\": \"bogus\"}]")
                .status()).isEqualTo(400);
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"add\", \"path\": \"/custom\", \"value\": 3}]").status())
                .isEqualTo(400);
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"replace\", \"path\": \"/visibility\", \"value\": \"public\"}]")
                .status()).isEqualTo(403);
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"replace\", \"path\": \"/owner\", \"value\": \"x\"}]")
                .status()).isEqualTo(403);
        assertThat(patch(project(), id, PATCH_21, "[]").status()).isEqualTo(404);
        // nothing of the refused patches stuck
        JsonNode img = show(p, id);
        assertThat(img.get("name").asString()).isEqualTo("n");
        assertThat(img.get("visibility").asString()).isEqualTo("shared");
    }

    // --- data

    @Test
    void uploadDownloadRangesAndChecksums() throws Exception {
        String p = project();
        String id = createImage(p, "{\"name\": \"data\", \"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        HttpResponse<byte[]> none = download(p, "member", id);
        assertThat(none.statusCode()).isEqualTo(204);

        byte[] data = randomBytes(1024 * 1024 + 7, 1);
        Reply up = upload(p, id, data, "x-openstack-image-size", Integer.toString(data.length));
        assertThat(up.status()).as(up.raw().body()).isEqualTo(204);
        JsonNode img = show(p, id);
        assertThat(img.get("status").asString()).isEqualTo("active");
        assertThat(img.get("size").asLong()).isEqualTo(data.length);
        assertThat(img.get("virtual_size").asLong()).isEqualTo(data.length);
        assertThat(img.get("checksum").asString()).isEqualTo(hex("MD5", data));
        assertThat(img.get("os_hash_algo").asString()).isEqualTo("sha512");
        assertThat(img.get("os_hash_value").asString()).isEqualTo(hex("SHA-512", data));

        HttpResponse<byte[]> all = download(p, "member", id);
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.body()).isEqualTo(data);
        assertThat(all.headers().firstValue("Content-MD5")).contains(hex("MD5", data));
        assertThat(all.headers().firstValue("Content-Type")).contains("application/octet-stream");

        HttpResponse<byte[]> part = download(p, "member", id, "Range", "bytes=0-15");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).contains("bytes 0-15/" + data.length);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(data, 0, 16));
        HttpResponse<byte[]> tail = download(p, "member", id, "Range", "bytes=-10");
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(data, data.length - 10, data.length));
        HttpResponse<byte[]> beyond = download(p, "member", id, "Range", "bytes=" + data.length + "-");
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).contains("bytes */" + data.length);

        // an active image takes no second upload, and its disk_format is fixed now
        Reply again = upload(p, id, data);
        assertThat(again.status()).isEqualTo(409);
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"replace\", \"path\": \"/disk_format\", \"value\": \"qcow2\"}]")
                .status()).isEqualTo(403);
        // another project cannot download a shared image it is no member of
        assertThat(download(project(), "member", id).statusCode()).isEqualTo(404);
    }

    @Test
    void chunkedUploadIsStreamedAndChecksummed() throws Exception {
        String p = project();
        String id = createImage(p, "{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        byte[] data = randomBytes(3 * 1024 * 1024, 2);
        Reply up = sendBytes("PUT", "/v2/images/" + id + "/file",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data)),
                as(p, "member", "Content-Type", "application/octet-stream"));
        assertThat(up.status()).as(up.raw().body()).isEqualTo(204);
        JsonNode img = show(p, id);
        assertThat(img.get("size").asLong()).isEqualTo(data.length);
        assertThat(img.get("checksum").asString()).isEqualTo(hex("MD5", data));
        assertThat(download(p, "member", id).body()).isEqualTo(data);
    }

    @Test
    void uploadErrorsLeaveTheImageQueued() throws Exception {
        String p = project();
        String noFormats = createImage(p, "{\"name\": \"x\"}");
        Reply r = upload(p, noFormats, new byte[] {1, 2, 3});
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message()).contains("disk_format, container_format");

        String id = createImage(p, "{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        Reply type = sendBytes("PUT", "/v2/images/" + id + "/file", HttpRequest.BodyPublishers.ofString("x"),
                as(p, "member", "Content-Type", "text/plain"));
        assertThat(type.status()).isEqualTo(415);
        assertThat(upload(p, id, new byte[] {1, 2, 3}, "x-openstack-image-size", "4").status()).isEqualTo(400);
        assertThat(show(p, id).get("status").asString()).isEqualTo("queued");
        assertThat(upload(p, id, new byte[] {1, 2, 3}, "x-openstack-image-size", "abc").status()).isEqualTo(400);

        // the size cap, chunked (no Content-Length to refuse early)
        byte[] big = randomBytes((int) CAP + 1, 3);
        Reply tooBig = sendBytes("PUT", "/v2/images/" + id + "/file",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)),
                as(p, "member", "Content-Type", "application/octet-stream"));
        assertThat(tooBig.status()).isEqualTo(413);
        JsonNode img = show(p, id);
        assertThat(img.get("status").asString()).isEqualTo("queued");
        assertThat(img.get("size").isNull()).isTrue();
        assertThat(upload(p, id, new byte[] {1, 2, 3}, "x-openstack-image-size", Long.toString(CAP + 1)).status())
                .isEqualTo(413);
        assertThat(upload(p, id, big).status()).isEqualTo(413); // refused on its Content-Length
        assertThat(show(p, id).get("status").asString()).isEqualTo("queued");
        // a non-owner may not upload
        assertThat(upload(project(), id, new byte[] {1}).status()).isEqualTo(404);
        // and after all that, a good upload works
        assertThat(upload(p, id, new byte[] {1, 2, 3}).status()).isEqualTo(204);
        assertThat(show(p, id).get("size").asLong()).isEqualTo(3);
    }

    @Test
    void uploadedDataIsInspectedAgainstDiskFormat() throws Exception {
        String p = project();
        byte[] raw = randomBytes(2 * 1024 * 1024, 4);
        byte[] qcow2 = qcow2Of(raw);

        String good = createImage(p, "{\"disk_format\": \"qcow2\", \"container_format\": \"bare\"}");
        assertThat(upload(p, good, qcow2).status()).isEqualTo(204);
        JsonNode img = show(p, good);
        assertThat(img.get("status").asString()).isEqualTo("active");
        assertThat(img.get("size").asLong()).isEqualTo(qcow2.length);
        assertThat(img.get("virtual_size").asLong()).isEqualTo(raw.length);

        // qcow2 content declared raw: refused, image back to queued, data gone
        String mismatch = createImage(p, "{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        Reply r = upload(p, mismatch, qcow2);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message()).contains("does not match disk_format 'raw'");
        JsonNode queued = show(p, mismatch);
        assertThat(queued.get("status").asString()).isEqualTo("queued");
        assertThat(queued.get("checksum").isNull()).isTrue();
        assertThat(download(p, "member", mismatch).statusCode()).isEqualTo(204);
        // the user fixes the claim and uploads again
        assertThat(patch(p, mismatch, PATCH_21, "[{\"op\": \"replace\", \"path\": \"/disk_format\", \"value\": \"qcow2\"}]")
                .status()).isEqualTo(200);
        assertThat(upload(p, mismatch, qcow2).status()).isEqualTo(204);

        // text declared qcow2
        String text = createImage(p, "{\"disk_format\": \"qcow2\", \"container_format\": \"bare\"}");
        assertThat(upload(p, text, "just some text, not a disk".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(400);
        assertThat(show(p, text).get("status").asString()).isEqualTo("queued");
    }

    @Test
    void deactivateAndReactivate() throws Exception {
        String p = project();
        String id = createImage(p, "{\"disk_format\": \"raw\", \"container_format\": \"bare\", \"visibility\": \"community\"}");
        Reply early = server.send("POST", "/v2/images/" + id + "/actions/deactivate", null, as(p, "member"));
        assertThat(early.status()).isEqualTo(400);
        assertThat(upload(p, id, randomBytes(1000, 5)).status()).isEqualTo(204);
        assertThat(server.send("POST", "/v2/images/" + id + "/actions/deactivate", null, as(project(), "member"))
                .status()).isEqualTo(403);
        assertThat(server.send("POST", "/v2/images/" + id + "/actions/deactivate", null, as(p, "member")).status())
                .isEqualTo(204);
        assertThat(show(p, id).get("status").asString()).isEqualTo("deactivated");
        assertThat(download(p, "member", id).statusCode()).isEqualTo(403);
        assertThat(download(p, "admin", id).statusCode()).isEqualTo(200);
        assertThat(server.send("POST", "/v2/images/" + id + "/actions/deactivate", null, as(p, "member")).status())
                .isEqualTo(204);
        assertThat(server.send("POST", "/v2/images/" + id + "/actions/reactivate", null, as(p, "member")).status())
                .isEqualTo(204);
        assertThat(show(p, id).get("status").asString()).isEqualTo("active");
        assertThat(download(p, "member", id).statusCode()).isEqualTo(200);
        assertThat(server.send("GET", "/v2/images/" + id + "/actions/reactivate", null, as(p, "member")).status())
                .isEqualTo(405);
    }

    @Test
    void aClientThatDisconnectsMidUploadLeavesTheImageQueued() throws Exception {
        String p = project();
        String id = createImage(p, "{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        URI base = URI.create(server.base());
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("PUT /v2/images/" + id + "/file HTTP/1.1\r\nHost: " + base.getAuthority()
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\nX-Tenant-Id: " + p
                    + "\r\nX-Roles: member\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(randomBytes(10_000, 6));
            out.flush();
        }
        org.awaitility.Awaitility.await("image back to queued").atMost(Duration.ofSeconds(60))
                .until(() -> show(p, id).get("status").asString(), "queued"::equals);
        assertThat(show(p, id).get("checksum").isNull()).isTrue();
        assertThat(upload(p, id, new byte[] {1, 2, 3}).status()).isEqualTo(204);
    }

    /** An upload held open half-way on a raw socket, so that the test can act while the image is saving. */
    java.net.Socket startUpload(String project, String id, int length, byte[] first) throws IOException {
        URI base = URI.create(server.base());
        java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort());
        java.io.OutputStream out = socket.getOutputStream();
        out.write(("PUT /v2/images/" + id + "/file HTTP/1.1\r\nHost: " + base.getAuthority()
                + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + length + "\r\nX-Tenant-Id: "
                + project + "\r\nX-Roles: member\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(first);
        out.flush();
        org.awaitility.Awaitility.await("image saving").atMost(Duration.ofSeconds(60))
                .until(() -> show(project, id).get("status").asString(), "saving"::equals);
        return socket;
    }

    @Test
    void aSecondUploadWhileSavingIsAConflict() throws Exception {
        String p = project();
        String id = createImage(p, "{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        byte[] data = randomBytes(200_000, 7);
        try (java.net.Socket socket = startUpload(p, id, data.length, java.util.Arrays.copyOf(data, 1000))) {
            Reply second = upload(p, id, new byte[] {1, 2, 3});
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.message()).contains("saving");
            socket.getOutputStream().write(data, 1000, data.length - 1000);
            socket.getOutputStream().flush();
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).isEqualTo("HTTP/1.1 204");
        }
        JsonNode img = show(p, id);
        assertThat(img.get("status").asString()).isEqualTo("active");
        assertThat(img.get("checksum").asString()).isEqualTo(hex("MD5", data));
        assertThat(dir.resolve("images").resolve(id)).exists(); // where the next test checks for leftovers
    }

    @Test
    void deletingDuringAnUploadAnswersGoneAndLeavesNoData() throws Exception {
        String p = project();
        String id = createImage(p, "{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        byte[] data = randomBytes(200_000, 8);
        try (java.net.Socket socket = startUpload(p, id, data.length, java.util.Arrays.copyOf(data, 1000))) {
            assertThat(server.send("DELETE", "/v2/images/" + id, null, as(p, "member")).status()).isEqualTo(204);
            socket.getOutputStream().write(data, 1000, data.length - 1000);
            socket.getOutputStream().flush();
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).isEqualTo("HTTP/1.1 410");
        }
        assertThat(server.get("/v2/images/" + id, as(p, "member")).status()).isEqualTo(404);
        assertThat(dir.resolve("images").resolve(id)).doesNotExist();
    }

    @Test
    void getAndDeleteRefuseABody() {
        String p = project();
        String id = createImage(p, "{}");
        Reply get = server.send("GET", "/v2/images/" + id, "{}", as(p, "member"));
        assertThat(get.status()).isEqualTo(400);
        assertThat(get.message()).isEqualTo("A body is not expected with this request.");
        assertThat(server.send("DELETE", "/v2/images/" + id, "{}", as(p, "member")).status()).isEqualTo(400);
        assertThat(server.send("GET", "/v2/images", "x", as(p, "member")).status()).isEqualTo(400);
        assertThat(show(p, id).get("status").asString()).isEqualTo("queued");
    }

    // --- tags

    @Test
    void tagsAreAddedRemovedAndFiltered() {
        String p = project();
        String id = createImage(p, "{\"name\": \"tagged\"}");
        String other = createImage(p, "{\"name\": \"untagged\"}");
        assertThat(server.send("PUT", "/v2/images/" + id + "/tags/blue", null, as(p, "member")).status()).isEqualTo(204);
        assertThat(server.send("PUT", "/v2/images/" + id + "/tags/blue", null, as(p, "member")).status()).isEqualTo(204);
        assertThat(server.send("PUT", "/v2/images/" + id + "/tags/green", null, as(p, "member")).status()).isEqualTo(204);
        assertThat(show(p, id).get("tags").toString()).isEqualTo("[\"blue\",\"green\"]");
        Reply list = server.get("/v2/images?tag=blue&tag=green", as(p, "member"));
        assertThat(ids(list)).containsExactly(id);
        assertThat(ids(server.get("/v2/images?owner=" + p, as(p, "member")))).contains(id, other);
        assertThat(server.send("DELETE", "/v2/images/" + id + "/tags/blue", null, as(p, "member")).status()).isEqualTo(204);
        assertThat(server.send("DELETE", "/v2/images/" + id + "/tags/blue", null, as(p, "member")).status()).isEqualTo(404);
        assertThat(show(p, id).get("tags").toString()).isEqualTo("[\"green\"]");
        assertThat(server.send("PUT", "/v2/images/" + id + "/tags/" + "x".repeat(256), null, as(p, "member")).status())
                .isEqualTo(400);
        assertThat(server.send("PUT", "/v2/images/" + id + "/tags/x", null, as(project(), "member")).status())
                .isEqualTo(404);
    }

    // --- members

    @Test
    void membersShareAcceptAndReject() {
        String owner = project();
        String friend = project();
        String priv = createImage(owner, "{\"visibility\": \"private\"}");
        Reply notShared = server.postJson("/v2/images/" + priv + "/members", "{\"member\": \"" + friend + "\"}",
                as(owner, "member"));
        assertThat(notShared.status()).isEqualTo(403);
        assertThat(notShared.message()).isEqualTo("Only shared images have members.");

        String id = createImage(owner, "{\"name\": \"shared-one\"}");
        assertThat(server.get("/v2/images/" + id, as(friend, "member")).status()).isEqualTo(404);
        Reply added = server.postJson("/v2/images/" + id + "/members", "{\"member\": \"" + friend + "\"}",
                as(owner, "member"));
        assertThat(added.status()).as(added.raw().body()).isEqualTo(200);
        assertThat(added.json().get("status").asString()).isEqualTo("pending");
        assertThat(added.json().get("member_id").asString()).isEqualTo(friend);
        assertThat(added.json().get("image_id").asString()).isEqualTo(id);
        assertThat(added.json().get("schema").asString()).isEqualTo("/v2/schemas/member");
        assertThat(server.postJson("/v2/images/" + id + "/members", "{\"member\": \"" + friend + "\"}",
                as(owner, "member")).status()).isEqualTo(409);
        assertThat(server.postJson("/v2/images/" + id + "/members", "{\"nope\": 1}", as(owner, "member")).status())
                .isEqualTo(400);

        // a pending member sees the image but does not list it by default
        assertThat(show(friend, id).get("name").asString()).isEqualTo("shared-one");
        assertThat(ids(server.get("/v2/images", as(friend, "member")))).doesNotContain(id);
        assertThat(ids(server.get("/v2/images?member_status=pending", as(friend, "member")))).contains(id);
        // only the member decides
        assertThat(server.send("PUT", "/v2/images/" + id + "/members/" + friend, "{\"status\": \"accepted\"}",
                as(owner, "member", "Content-Type", "application/json")).status()).isEqualTo(403);
        assertThat(server.send("PUT", "/v2/images/" + id + "/members/" + friend, "{\"status\": \"maybe\"}",
                as(friend, "member", "Content-Type", "application/json")).status()).isEqualTo(400);
        Reply accepted = server.send("PUT", "/v2/images/" + id + "/members/" + friend, "{\"status\": \"accepted\"}",
                as(friend, "member", "Content-Type", "application/json"));
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(accepted.json().get("status").asString()).isEqualTo("accepted");
        assertThat(ids(server.get("/v2/images", as(friend, "member")))).contains(id);
        // a member may not change the image
        assertThat(patch(friend, id, PATCH_21, "[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"x\"}]")
                .status()).isEqualTo(403);

        Reply members = server.get("/v2/images/" + id + "/members", as(owner, "member"));
        assertThat(members.status()).isEqualTo(200);
        assertThat(members.json().get("members").size()).isEqualTo(1);
        assertThat(members.json().get("schema").asString()).isEqualTo("/v2/schemas/members");
        assertThat(server.get("/v2/images/" + id + "/members/" + friend, as(friend, "member")).status()).isEqualTo(200);
        assertThat(server.get("/v2/images/" + id + "/members/nobody", as(owner, "member")).status()).isEqualTo(404);

        assertThat(server.send("PUT", "/v2/images/" + id + "/members/" + friend, "{\"status\": \"rejected\"}",
                as(friend, "member", "Content-Type", "application/json")).status()).isEqualTo(200);
        assertThat(ids(server.get("/v2/images", as(friend, "member")))).doesNotContain(id);

        assertThat(server.send("DELETE", "/v2/images/" + id + "/members/" + friend, null, as(friend, "member")).status())
                .isEqualTo(403);
        assertThat(server.send("DELETE", "/v2/images/" + id + "/members/" + friend, null, as(owner, "member")).status())
                .isEqualTo(204);
        assertThat(server.get("/v2/images/" + id, as(friend, "member")).status()).isEqualTo(404);
        assertThat(server.send("DELETE", "/v2/images/" + id + "/members/" + friend, null, as(owner, "member")).status())
                .isEqualTo(404);
    }

    // --- list

    static List<String> ids(Reply r) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().get("images").forEach(i -> ids.add(i.get("id").asString()));
        return ids;
    }

    @Test
    void listPaginatesSortsAndFilters() {
        String p = project();
        String a = createImage(p, "{\"name\": \"alpha\", \"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        String b = createImage(p, "{\"name\": \"bravo\", \"disk_format\": \"qcow2\", \"container_format\": \"bare\"}");
        String c = createImage(p, "{\"name\": \"charlie\", \"disk_format\": \"raw\", \"container_format\": \"bare\", "
                + "\"os_hidden\": true}");
        String q = "owner=" + p;

        Reply first = server.get("/v2/images?" + q + "&limit=1&sort_key=name&sort_dir=asc", as(p, "member"));
        assertThat(ids(first)).containsExactly(a);
        assertThat(first.json().get("schema").asString()).isEqualTo("/v2/schemas/images");
        assertThat(first.json().get("first").asString()).isEqualTo("/v2/images?" + q + "&limit=1&sort_key=name&sort_dir=asc");
        String next = first.json().get("next").asString();
        assertThat(next).contains("marker=" + a);
        Reply second = server.get(next, as(p, "member"));
        assertThat(ids(second)).containsExactly(b);
        assertThat(ids(server.get(second.json().get("next").asString(), as(p, "member")))).isEmpty();

        assertThat(ids(server.get("/v2/images?" + q + "&sort=name:desc", as(p, "member")))).containsExactly(b, a);
        assertThat(ids(server.get("/v2/images?" + q + "&sort_key=disk_format&sort_dir=asc&sort_key=name&sort_dir=desc",
                as(p, "member")))).containsExactly(b, a);
        assertThat(ids(server.get("/v2/images?" + q + "&os_hidden=true", as(p, "member")))).containsExactly(c);
        assertThat(ids(server.get("/v2/images?" + q + "&name=bravo", as(p, "member")))).containsExactly(b);
        assertThat(ids(server.get("/v2/images?" + q + "&name=in:alpha,bravo&sort_key=name&sort_dir=asc",
                as(p, "member")))).containsExactly(a, b);
        assertThat(ids(server.get("/v2/images?" + q + "&disk_format=raw", as(p, "member")))).containsExactly(a);
        assertThat(ids(server.get("/v2/images?" + q + "&status=active", as(p, "member")))).isEmpty();
        assertThat(ids(server.get("/v2/images?" + q + "&created_at=lte:2000-01-01T00:00:00Z", as(p, "member")))).isEmpty();
        assertThat(ids(server.get("/v2/images?" + q + "&created_at=gt:2000-01-01T00:00:00Z&sort_key=name&sort_dir=asc",
                as(p, "member")))).containsExactly(a, b);
        assertThat(ids(server.get("/v2/images?" + q + "&size_min=1", as(p, "member")))).isEmpty();
        assertThat(ids(server.get("/v2/images?" + q + "&limit=0", as(p, "member")))).isEmpty();
        // default: created_at desc
        assertThat(ids(server.get("/v2/images?" + q, as(p, "member")))).containsExactly(b, a);
        // another project sees none of these shared images
        assertThat(ids(server.get("/v2/images?" + q, as(project(), "member")))).isEmpty();
        // an admin of another project sees them all
        assertThat(ids(server.get("/v2/images?" + q, as(project(), "admin")))).containsExactly(b, a);
        assertThat(ids(server.get("/v2/images?" + q + "&member_status=all&visibility=shared", as(project(), "admin"))))
                .containsExactly(b, a);
        // community images are listed for everyone on request
        String community = createImage(p, "{\"visibility\": \"community\"}");
        assertThat(ids(server.get("/v2/images?" + q, as(project(), "member")))).isEmpty();
        assertThat(ids(server.get("/v2/images?" + q + "&visibility=community", as(project(), "member"))))
                .containsExactly(community);
        assertThat(ids(server.get("/v2/images?" + q + "&visibility=all", as(p, "member")))).contains(community, a, b);

        for (String bad : List.of("limit=-1", "limit=abc", "marker=" + UUID.randomUUID(), "marker=nope",
                "sort_key=foo", "sort_dir=up", "sort=name:sideways", "sort=name&sort_key=status",
                "visibility=everyone", "member_status=maybe", "protected=maybe", "size_min=-3",
                "created_at=gt:yesterday", "changes-since=2020-01-01T00:00:00Z", "min_ram=lots", "min_disk=-1",
                "sort_key=name&sort_key=status&sort_dir=asc&sort_dir=desc&sort_dir=asc")) {
            Reply r = server.get("/v2/images?" + bad, as(p, "member"));
            assertThat(r.status()).as(bad + ": " + r.raw().body()).isEqualTo(400);
        }
    }

    /**
     * Glance: a key that is not an image attribute filters on the property of that name, exactly;
     * integer attributes (min_ram, min_disk, virtual_size) compare as numbers.
     */
    @Test
    void listFiltersOnCustomPropertiesExactlyAndOnIntegerAttributes() {
        String p = project();
        String fedora = createImage(p, "{\"name\": \"f\", \"os_distro\": \"fedora\", \"hw_note\": \"50%_off!\", "
                + "\"quoted\": \"a\\\"b\", \"min_ram\": 512}");
        String ubuntu = createImage(p, "{\"name\": \"u\", \"os_distro\": \"ubuntu\", \"min_disk\": 3}");
        // a value holding what would be another pair's text, quotes and all
        String tricky = createImage(p, "{\"name\": \"t\", \"note\": \"x\\\",\\\"os_distro\\\":\\\"fedora\"}");
        String q = "/v2/images?owner=" + p + "&";

        assertThat(ids(server.get(q + "os_distro=fedora", as(p, "member")))).containsExactly(fedora);
        assertThat(ids(server.get(q + "os_distro=ubuntu", as(p, "member")))).containsExactly(ubuntu);
        assertThat(ids(server.get(q + "os_distro=fedor", as(p, "member")))).isEmpty();
        assertThat(ids(server.get(q + "os_distro=" + enc("%"), as(p, "member")))).isEmpty();
        assertThat(ids(server.get(q + "os_distro=" + enc("_edora"), as(p, "member")))).isEmpty();
        assertThat(ids(server.get(q + "hw_note=" + enc("50%_off!"), as(p, "member")))).containsExactly(fedora);
        assertThat(ids(server.get(q + "hw_note=" + enc("50x_off!"), as(p, "member")))).isEmpty();
        assertThat(ids(server.get(q + "quoted=" + enc("a\"b"), as(p, "member")))).containsExactly(fedora);
        assertThat(ids(server.get(q + "note=" + enc("x\",\"os_distro\":\"fedora"), as(p, "member"))))
                .containsExactly(tricky);
        assertThat(ids(server.get(q + "os_distro=fedora&hw_note=" + enc("50%_off!"), as(p, "member"))))
                .containsExactly(fedora);
        assertThat(ids(server.get(q + "os_distro=fedora&name=u", as(p, "member")))).isEmpty();
        assertThat(ids(server.get(q + "no_such_property=1", as(p, "member")))).isEmpty();
        assertThat(ids(server.get(q + "min_ram=512", as(p, "member")))).containsExactly(fedora);
        assertThat(ids(server.get(q + "min_disk=3", as(p, "member")))).containsExactly(ubuntu);
        assertThat(ids(server.get(q + "min_ram=0&sort_key=name&sort_dir=asc", as(p, "member"))))
                .containsExactly(tricky, ubuntu);
        // the filter stays on every page
        Reply first = server.get(q + "os_distro=ubuntu&limit=1", as(p, "member"));
        assertThat(ids(first)).containsExactly(ubuntu);
        assertThat(first.json().get("next").asString()).contains("os_distro=ubuntu");
        assertThat(ids(server.get(first.json().get("next").asString(), as(p, "member")))).isEmpty();
        // another project sees none of them, whatever the filter
        assertThat(ids(server.get(q + "os_distro=fedora", as(project(), "member")))).isEmpty();
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void listFiltersOnSizeAndChecksums() throws Exception {
        String p = project();
        String small = createImage(p, "{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        String large = createImage(p, "{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        byte[] smallData = randomBytes(1000, 7);
        assertThat(upload(p, small, smallData).status()).isEqualTo(204);
        assertThat(upload(p, large, randomBytes(3000, 8)).status()).isEqualTo(204);
        String q = "/v2/images?owner=" + p;

        // tempest's test_list_images_param_size: size is an equality filter, not a 400
        assertThat(ids(server.get(q + "&size=1000", as(p, "member")))).containsExactly(small);
        assertThat(ids(server.get(q + "&size=3000", as(p, "member")))).containsExactly(large);
        assertThat(ids(server.get(q + "&size=1000&size_min=2000", as(p, "member")))).isEmpty();
        assertThat(ids(server.get(q + "&size=3000&size_max=3000", as(p, "member")))).containsExactly(large);
        assertThat(ids(server.get(q + "&checksum=" + hex("MD5", smallData), as(p, "member")))).containsExactly(small);
        assertThat(ids(server.get(q + "&os_hash_value=" + hex("SHA-512", smallData), as(p, "member"))))
                .containsExactly(small);
        assertThat(server.get(q + "&size=big", as(p, "member")).status()).isEqualTo(400);
    }

    @Test
    void theImageRulesOfThePolicyDecideWhoChangesImages() {
        // Glance's defaults: add/modify/delete/upload need role member in the owning project;
        // a reader of that project sees the image but changes nothing (403 naming the rule)
        String p = project();
        String id = createImage(p, "{\"disk_format\": \"raw\", \"container_format\": \"bare\"}");
        Reply create = server.postJson("/v2/images", "{}", as(p, "reader"));
        assertThat(create.status()).isEqualTo(403);
        assertThat(create.json().get("message").asString()).contains("add_image");
        assertThat(server.get("/v2/images/" + id, as(p, "reader")).status()).isEqualTo(200);
        Reply patch = server.send("PATCH", "/v2/images/" + id, "[{\"op\": \"replace\", \"path\": \"/name\", "
                + "\"value\": \"x\"}]", as(p, "reader", "Content-Type", PATCH_21));
        assertThat(patch.status()).isEqualTo(403);
        assertThat(patch.json().get("message").asString()).contains("modify_image");
        assertThat(server.send("PUT", "/v2/images/" + id + "/tags/t", null, as(p, "reader")).status()).isEqualTo(403);
        assertThat(server.send("DELETE", "/v2/images/" + id, null, as(p, "reader")).json().get("message").asString())
                .contains("delete_image");
        Reply up = sendBytes("PUT", "/v2/images/" + id + "/file", HttpRequest.BodyPublishers.ofByteArray(new byte[512]),
                as(p, "reader", "Content-Type", "application/octet-stream"));
        assertThat(up.status()).isEqualTo(403);
        assertThat(show(p, id).get("status").asString()).isEqualTo("queued");
        // a member makes it a community image (communitize_image), only an admin a public one
        assertThat(patch(p, id, PATCH_21, "[{\"op\": \"replace\", \"path\": \"/visibility\", "
                + "\"value\": \"community\"}]").status()).isEqualTo(200);
        Reply publicize = patch(p, id, PATCH_21, "[{\"op\": \"replace\", \"path\": \"/visibility\", "
                + "\"value\": \"public\"}]");
        assertThat(publicize.status()).isEqualTo(403);
        assertThat(publicize.json().get("message").asString()).contains("publicize_image");
        assertThat(server.send("DELETE", "/v2/images/" + id, null, as(p, "member")).status()).isEqualTo(204);
    }

    @Test
    void anEmptyImageIdIsNotFound() {
        // GET and DELETE /v2/images/ (tempest's test_get_image_null_id, test_delete_image_null_id)
        assertThat(server.get("/v2/images/", as(project(), "member")).status()).isEqualTo(404);
        assertThat(server.send("DELETE", "/v2/images/", null, as(project(), "member")).status()).isEqualTo(404);
        assertThat(server.postJson("/v2/images/", "{}", as(project(), "member")).status()).isEqualTo(404);
        assertThat(server.get("/v2/images", as(project(), "member")).status()).isEqualTo(200);
    }

    // --- schemas and verbs

    @Test
    void schemasAreServed() {
        JsonNode image = server.get("/v2/schemas/image").json();
        assertThat(image.get("name").asString()).isEqualTo("image");
        assertThat(image.get("properties").has("tags")).isTrue();
        assertThat(image.get("additionalProperties").get("type").asString()).isEqualTo("string");
        assertThat(server.get("/v2/schemas/images").json().get("properties").has("images")).isTrue();
        JsonNode member = server.get("/v2/schemas/member").json();
        assertThat(member.get("properties").get("status").get("enum").toString()).contains("accepted");
        assertThat(server.get("/v2/schemas/members").json().get("properties").has("members")).isTrue();
    }

    @Test
    void otherVerbsAre405WithAllow() {
        Reply r = server.send("PUT", "/v2/images", "{}", as(project(), "member"));
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, POST");
        Reply one = server.send("POST", "/v2/images/" + UUID.randomUUID(), "{}", as(project(), "member"));
        assertThat(one.status()).isEqualTo(405);
        assertThat(one.header("Allow")).isEqualTo("GET, PATCH, DELETE");
        assertThat(server.send("DELETE", "/v2/images/" + UUID.randomUUID() + "/file", null, as(project(), "member"))
                .header("Allow")).isEqualTo("GET, PUT");
    }
}
