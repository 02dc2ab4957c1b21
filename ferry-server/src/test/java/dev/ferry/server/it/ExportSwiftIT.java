package dev.ferry.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.convert.Converter;
import dev.ferry.format.convert.TargetFormat;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.FileReadSource;
import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftClient.Call;
import dev.ferry.server.tasks.TestImages;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * The Rackspace export task against a real Swift (tools/swift-saio.sh; skipped when it cannot
 * run): import → export → download the exported object → re-import it with a Rackspace
 * {@code container/object} import → the data is the same; and every failure of the export task,
 * each leaving the receiving container as it was. Segments are 1 MiB, so the exported disks of a
 * few MiB are Static Large Objects and an empty disk is a plain object.
 */
class ExportSwiftIT {

    static final String ADMIN = "admin";

    @TempDir
    static Path dir;
    static TestServer ferry;
    static SwiftClient project;
    static SwiftClient other;
    static final String sources = "export-src-" + UUID.randomUUID().toString().substring(0, 8);
    static byte[] raw;
    static byte[] vhd;
    static byte[] qcow2;

    @BeforeAll
    static void start() throws IOException {
        Saio.require();
        project = Saio.projectClient();
        other = new SwiftClient(new dev.ferry.server.objectstorage.TempAuthV1(Saio.AUTH_URL, "proj2:user", "user2-key",
                Duration.ofSeconds(10)), Duration.ofSeconds(5), Duration.ofSeconds(30));
        Path work = Files.createDirectories(dir.resolve("work"));
        raw = TestImages.raw(5 << 20, 21);
        vhd = TestImages.convert(raw, TargetFormat.VHD_DYNAMIC, work);
        qcow2 = TestImages.convert(TestImages.raw(3 << 20, 22), TargetFormat.QCOW2, work);
        createContainer(project, sources);
        put(project, sources + "/disk.vhd", vhd);
        ferry = new TestServer(Files.createDirectories(dir.resolve("ferry")), "jdbc:h2:mem:exportit;DB_CLOSE_DELAY=-1",
                Map.of("import.profile", "rackspace", "swift.auth_url", Saio.AUTH_URL.toString(),
                        "swift.user", Saio.OPERATOR, "swift.key", Saio.OPERATOR_KEY,
                        "swift.segment_bytes", Integer.toString(1 << 20)), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
        if (project != null) {
            project.close();
        }
        if (other != null) {
            other.close();
        }
    }

    // --- helpers

    static String[] as(String projectId) {
        return new String[] {"X-Tenant-Id", projectId, "X-Roles", ADMIN, "X-User-Id", "user-" + projectId};
    }

    static void createContainer(SwiftClient client, String name) throws IOException {
        assertThat(client.exchange(Call.of("PUT", name).body(new ByteArrayEntity(new byte[0], null))).status())
                .isIn(201, 202);
    }

    static void put(SwiftClient client, String path, byte[] data) throws IOException {
        assertThat(client.exchange(Call.of("PUT", path).body(new ByteArrayEntity(data, null))).status()).isEqualTo(201);
    }

    static String newContainer(SwiftClient client) throws IOException {
        String name = "exports-" + UUID.randomUUID().toString().substring(0, 8);
        createContainer(client, name);
        return name;
    }

    /** The names in a container, as its owner lists them (every segment included). */
    static List<String> list(SwiftClient client, String container) throws IOException {
        SwiftClient.Reply r = client.exchange(Call.of("GET", container + "?format=json"));
        if (r.status() == 204) {
            return List.of();
        }
        assertThat(r.status()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        TestServer.JSON.readTree(r.text()).forEach(e -> names.add(e.get("name").asString()));
        return names;
    }

    static byte[] download(SwiftClient client, String path) throws IOException {
        try (SwiftClient.Response r = client.open(Call.of("GET", path))) {
            assertThat(r.status()).isEqualTo(200);
            try (InputStream in = r.body()) {
                return in.readAllBytes();
            }
        }
    }

    static JsonNode runTask(String projectId, String body) {
        Reply r = ferry.postJson("/v2/tasks", body, as(projectId));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        String id = r.json().get("id").asString();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String s = ferry.get("/v2/tasks/" + id, as(projectId)).json().get("status").asString();
            return s.equals("success") || s.equals("failure");
        });
        return ferry.get("/v2/tasks/" + id, as(projectId)).json();
    }

    static JsonNode export(String projectId, String imageId, String container) {
        return runTask(projectId, "{\"type\": \"export\", \"input\": {\"image_uuid\": \"" + imageId
                + "\", \"receiving_swift_container\": \"" + container + "\"}}");
    }

    /** A Rackspace import in the shape of Rackspace's documentation (seed 000): no import_from_format. */
    static String importObject(String from) {
        JsonNode task = runTask(Saio.PROJECT, "{\"type\": \"import\", \"input\": {\"import_from\": \"" + from
                + "\", \"image_properties\": {\"name\": \"rt\"}}}");
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        return task.get("result").get("image_id").asString();
    }

    /** An active image of {@code projectId} made with the images API (create + upload). */
    static String upload(String projectId, String diskFormat, byte[] data) throws IOException, InterruptedException {
        Reply created = ferry.postJson("/v2/images", "{\"name\": \"up\", \"disk_format\": \"" + diskFormat
                + "\", \"container_format\": \"bare\"}", as(projectId));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        String id = created.json().get("id").asString();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ferry.base() + "/v2/images/" + id + "/file"))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data));
        String[] h = as(projectId);
        for (int i = 0; i < h.length; i += 2) {
            b.header(h[i], h[i + 1]);
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        return id;
    }

    static byte[] imageData(String projectId, String id) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ferry.base() + "/v2/images/" + id + "/file"));
        String[] h = as(projectId);
        for (int i = 0; i < h.length; i += 2) {
            b.header(h[i], h[i + 1]);
        }
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    static String sha512(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The guest-visible bytes of a disk image, read by Ferry's readers (raw output of the converter). */
    static byte[] virtualDisk(byte[] image, String name) throws IOException {
        Path in = Files.write(dir.resolve("work/" + name + "-" + UUID.randomUUID()), image);
        Path out = dir.resolve("work/" + name + "-" + UUID.randomUUID() + ".raw");
        try (FileReadSource src = FileReadSource.open(in)) {
            Inspection insp = Inspector.standard().inspect(src, Optional.empty(), Limits.NONE);
            assertThat(insp.accepted()).as(insp.toString()).isTrue();
            Converter.convert(src, insp, TargetFormat.RAW, out, null);
        }
        return Files.readAllBytes(out);
    }

    /** {@code qemu-img compare} of two images, if qemu-img is installed; empty if it is not. */
    static Optional<String> qemuCompare(byte[] a, String formatA, byte[] b, String formatB)
            throws IOException, InterruptedException {
        Path fa = Files.write(dir.resolve("work/qa-" + UUID.randomUUID()), a);
        Path fb = Files.write(dir.resolve("work/qb-" + UUID.randomUUID()), b);
        Process p;
        try {
            p = new ProcessBuilder("qemu-img", "compare", "-f", formatA, "-F", formatB, fa.toString(), fb.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return Optional.empty(); // not installed
        }
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return Optional.of(p.exitValue() + ": " + out);
    }

    static void assertStagingEmpty() throws IOException {
        try (Stream<Path> staging = Files.list(dir.resolve("ferry/staging"))) {
            assertThat(staging.toList()).isEmpty();
        }
    }

    // --- round trips

    @Test
    void aVhdRoundTripsByteForByte() throws Exception {
        String original = importObject(sources + "/disk.vhd");
        String container = newContainer(project);
        JsonNode task = export(Saio.PROJECT, original, container);
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        assertThat(task.get("result").get("export_location").asString()).isEqualTo(container + "/" + original + ".vhd");
        assertThat(task.get("message").asString()).isEmpty();
        assertThat(task.get("progress").get("bytes_done").asLong()).isEqualTo(vhd.length);
        assertThat(task.get("progress").get("bytes_total").asLong()).isEqualTo(vhd.length);

        // a VHD is exported as it is: the object is the imported file, as a Static Large Object
        byte[] exported = download(project, container + "/" + original + ".vhd");
        assertThat(sha512(exported)).isEqualTo(sha512(vhd));
        SwiftClient.Reply head = project.exchange(Call.of("HEAD", container + "/" + original + ".vhd"));
        assertThat(head.header("X-Static-Large-Object")).isEqualToIgnoringCase("true");
        assertThat(list(project, container)).contains(original + ".vhd").hasSizeGreaterThan(vhd.length >> 20);

        String reimported = importObject(container + "/" + original + ".vhd");
        JsonNode a = ferry.get("/v2/images/" + original, as(Saio.PROJECT)).json();
        JsonNode b = ferry.get("/v2/images/" + reimported, as(Saio.PROJECT)).json();
        assertThat(b.get("os_hash_value").asString()).isEqualTo(a.get("os_hash_value").asString());
        assertThat(b.get("virtual_size").asLong()).isEqualTo(a.get("virtual_size").asLong());
        assertStagingEmpty();
    }

    @Test
    void aQcow2IsConvertedToADynamicVhdWithTheSameDisk() throws Exception {
        String original = upload(Saio.PROJECT, "qcow2", qcow2);
        String container = newContainer(project);
        JsonNode task = export(Saio.PROJECT, original, container);
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");

        byte[] exported = download(project, container + "/" + original + ".vhd");
        Path file = Files.write(dir.resolve("work/exported-" + original + ".vhd"), exported);
        try (FileReadSource src = FileReadSource.open(file)) {
            Inspection insp = Inspector.standard().inspect(src, Optional.of(DiskFormat.VHD), Limits.RACKSPACE);
            assertThat(insp.accepted()).as(insp.toString()).isTrue();
            assertThat(insp.format()).isEqualTo(DiskFormat.VHD);
        }
        String reimported = importObject(container + "/" + original + ".vhd");
        byte[] back = imageData(Saio.PROJECT, reimported);
        assertThat(sha512(back)).isEqualTo(sha512(exported));

        // same guest data: the VHD may be larger (CHS rounding), only by zeros
        byte[] before = virtualDisk(qcow2, "orig");
        byte[] after = virtualDisk(back, "back");
        assertThat(after.length).isGreaterThanOrEqualTo(before.length);
        assertThat(sha512(java.util.Arrays.copyOf(after, before.length))).isEqualTo(sha512(before));
        for (int i = before.length; i < after.length; i++) {
            assertThat(after[i]).isZero();
        }
        qemuCompare(qcow2, "qcow2", back, "vpc").ifPresent(r -> assertThat(r).startsWith("0: ")
                .endsWith("Images are identical."));
        assertStagingEmpty();
    }

    @Test
    void anEmptyDiskIsExportedAsAPlainObject() throws Exception {
        String original = upload(Saio.PROJECT, "qcow2", TestImages.emptyQcow2(64L << 20, dir.resolve("work")));
        String container = newContainer(project);
        JsonNode task = export(Saio.PROJECT, original, container);
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        assertThat(list(project, container)).containsExactly(original + ".vhd");
        SwiftClient.Reply head = project.exchange(Call.of("HEAD", container + "/" + original + ".vhd"));
        assertThat(head.header("X-Static-Large-Object")).isNull();
        assertThat(Long.parseLong(head.header("Content-Length"))).isLessThan(1 << 20);
        String reimported = importObject(container + "/" + original + ".vhd");
        assertThat(ferry.get("/v2/images/" + reimported, as(Saio.PROJECT)).json().get("virtual_size").asLong())
                .isGreaterThanOrEqualTo(64L << 20);
    }

    @Test
    void imagesKeptInSwiftAreStagedAndExported() throws Exception {
        TestServer main = ferry;
        ferry = new TestServer(Files.createDirectories(dir.resolve("ferry-swiftstore")),
                "jdbc:h2:mem:exportswiftstore;DB_CLOSE_DELAY=-1",
                Map.of("import.profile", "rackspace", "store.type", "swift",
                        "swift.container", "ferry-images-" + UUID.randomUUID().toString().substring(0, 8),
                        "swift.auth_url", Saio.AUTH_URL.toString(), "swift.user", Saio.OPERATOR,
                        "swift.key", Saio.OPERATOR_KEY, "swift.segment_bytes", Integer.toString(1 << 20)),
                Clock.systemUTC());
        try {
            for (String format : List.of("qcow2", "vhd")) {
                byte[] original = format.equals("qcow2") ? qcow2 : vhd;
                String image = upload(Saio.PROJECT, format, original);
                String container = newContainer(project);
                JsonNode task = export(Saio.PROJECT, image, container);
                assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
                byte[] exported = download(project, container + "/" + image + ".vhd");
                if (format.equals("vhd")) {
                    assertThat(sha512(exported)).isEqualTo(sha512(original));
                } else {
                    byte[] before = virtualDisk(original, "orig");
                    assertThat(sha512(java.util.Arrays.copyOf(virtualDisk(exported, "exp"), before.length)))
                            .isEqualTo(sha512(before));
                }
            }
            try (Stream<Path> staging = Files.list(dir.resolve("ferry-swiftstore/staging"))) {
                assertThat(staging.toList()).isEmpty();
            }
        } finally {
            ferry.close();
            ferry = main;
        }
    }

    @Test
    void oneImageCanBeExportedIntoTwoContainers() throws Exception {
        String original = upload(Saio.PROJECT, "raw", raw);
        String first = newContainer(project);
        String second = newContainer(project);
        assertThat(export(Saio.PROJECT, original, first).get("status").asString()).isEqualTo("success");
        assertThat(export(Saio.PROJECT, original, second).get("status").asString()).isEqualTo("success");
        // each VHD has its own unique id and time stamp; both hold the raw disk
        for (String container : List.of(first, second)) {
            byte[] disk = virtualDisk(download(project, container + "/" + original + ".vhd"), "vhd");
            assertThat(sha512(java.util.Arrays.copyOf(disk, raw.length))).isEqualTo(sha512(raw));
        }
    }

    /** Images made by qemu-img (the integration suite's {@code ferry.testImages}), one or two per format. */
    @ParameterizedTest
    @CsvSource({
        "raw-data.raw, raw, raw", "raw-gpt.raw, raw, raw", "qcow2-v3-zlib.qcow2, qcow2, qcow2",
        "qcow2-v3-odd-size.qcow2, qcow2, qcow2", "qcow2-v2.qcow2, qcow2, qcow2", "vhd-fixed.vhd, vhd, vpc",
        "vhd-dynamic-odd.vhd, vhd, vpc", "vmdk-streamOptimized.vmdk, vmdk, vmdk", "vmdk-monolithicSparse.vmdk, vmdk, vmdk",
        "vhdx-dynamic.vhdx, vhdx, vhdx", "vdi-dynamic.vdi, vdi, vdi"})
    void qemuMadeImagesRoundTrip(String file, String diskFormat, String qemuFormat) throws Exception {
        String images = System.getProperty("ferry.testImages", "");
        assumeTrue(!images.isBlank() && Files.isDirectory(Path.of(images)), "ferry.testImages not set");
        byte[] original = Files.readAllBytes(Path.of(images, file));
        String image = upload(Saio.PROJECT, diskFormat, original);
        String container = newContainer(project);
        JsonNode task = export(Saio.PROJECT, image, container);
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        byte[] exported = download(project, container + "/" + image + ".vhd");
        if (diskFormat.equals("vhd")) {
            assertThat(sha512(exported)).isEqualTo(sha512(original));
        }
        qemuCompare(original, qemuFormat, exported, "vpc").ifPresent(r -> assertThat(r).startsWith("0: ")
                .endsWith("Images are identical."));
        String reimported = importObject(container + "/" + image + ".vhd");
        assertThat(sha512(imageData(Saio.PROJECT, reimported))).isEqualTo(sha512(exported));
        assertThat(list(project, container)).contains(image + ".vhd");
        assertStagingEmpty();
    }

    // --- failures (Rackspace's messages), each leaving the container as it was

    @Test
    void aMissingContainerFailsAndIsNotCreated() throws Exception {
        String image = upload(Saio.PROJECT, "raw", raw);
        String container = "absent-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode task = export(Saio.PROJECT, image, container);
        assertThat(task.get("status").asString()).isEqualTo("failure");
        assertThat(task.get("message").asString()).isEqualTo("Container not found. Container: " + container);
        assertThat(project.exchange(Call.of("HEAD", container)).status()).isEqualTo(404);
        assertStagingEmpty();
    }

    @Test
    void anExistingObjectIsNeitherReplacedNorJoined() throws Exception {
        String image = upload(Saio.PROJECT, "raw", raw);
        String container = newContainer(project);
        put(project, container + "/" + image + ".vhd", "mine".getBytes());
        JsonNode task = export(Saio.PROJECT, image, container);
        assertThat(task.get("message").asString()).isEqualTo(
                "Object already exists in user's container. Container/Object: " + container + "/" + image + ".vhd");
        assertThat(download(project, container + "/" + image + ".vhd")).isEqualTo("mine".getBytes());
        assertThat(list(project, container)).containsExactly(image + ".vhd");

        // and a second export of the same image after a successful one
        String other = newContainer(project);
        assertThat(export(Saio.PROJECT, image, other).get("status").asString()).isEqualTo("success");
        List<String> before = list(project, other);
        JsonNode again = export(Saio.PROJECT, image, other);
        assertThat(again.get("message").asString()).startsWith("Object already exists in user's container.");
        assertThat(list(project, other)).isEqualTo(before);
        assertStagingEmpty();
    }

    @Test
    void twoExportsRacingForOneNameGiveOneObject() throws Exception {
        String image = upload(Saio.PROJECT, "qcow2", qcow2);
        String container = newContainer(project);
        String body = "{\"type\": \"export\", \"input\": {\"image_uuid\": \"" + image
                + "\", \"receiving_swift_container\": \"" + container + "\"}}";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Reply r = ferry.postJson("/v2/tasks", body, as(Saio.PROJECT));
            assertThat(r.status()).isEqualTo(201);
            ids.add(r.json().get("id").asString());
        }
        List<JsonNode> done = new ArrayList<>();
        for (String id : ids) {
            done.add(ferry.awaitTask(id, Duration.ofSeconds(120), as(Saio.PROJECT)));
        }
        assertThat(done).extracting(t -> t.get("status").asString()).containsExactlyInAnyOrder("success", "failure");
        JsonNode winner = done.stream().filter(t -> t.get("status").asString().equals("success")).findFirst().orElseThrow();
        JsonNode loser = done.stream().filter(t -> t.get("status").asString().equals("failure")).findFirst().orElseThrow();
        assertThat(loser.get("message").asString()).isEqualTo(
                "Object already exists in user's container. Container/Object: " + container + "/" + image + ".vhd");
        // the object and the winner's segments, nothing of the loser
        String winnerTag = winner.get("id").asString() + "-1";
        assertThat(list(project, container)).allMatch(n -> n.equals(image + ".vhd")
                || n.startsWith(image + ".vhd-" + winnerTag + "/")).contains(image + ".vhd");
        assertStagingEmpty();
    }

    @Test
    void onlyTheOwnerMayExport() throws Exception {
        String shared = upload(Saio.PROJECT, "raw", raw);
        assertThat(ferry.send("PATCH", "/v2/images/" + shared, "[{\"op\": \"replace\", \"path\": \"/visibility\", "
                + "\"value\": \"shared\"}]", with(as(Saio.PROJECT), "Content-Type",
                "application/openstack-images-v2.1-json-patch")).status()).isEqualTo(200);
        assertThat(ferry.postJson("/v2/images/" + shared + "/members", "{\"member\": \"" + Saio.OTHER_PROJECT + "\"}",
                as(Saio.PROJECT)).status()).isEqualTo(200);
        assertThat(ferry.send("PUT", "/v2/images/" + shared + "/members/" + Saio.OTHER_PROJECT,
                "{\"status\": \"accepted\"}", with(as(Saio.OTHER_PROJECT), "Content-Type", "application/json")).status())
                .isEqualTo(200);
        String container = newContainer(other);
        JsonNode task = export(Saio.OTHER_PROJECT, shared, container);
        assertThat(task.get("message").asString()).isEqualTo("An image may only be exported by the image owner.");
        assertThat(list(other, container)).isEmpty();

        // a private image of another project is not even found
        String secret = upload(Saio.PROJECT, "raw", raw);
        JsonNode hidden = export(Saio.OTHER_PROJECT, secret, container);
        assertThat(hidden.get("message").asString()).isEqualTo("Requested image for export was not found: " + secret);
        assertThat(list(other, container)).isEmpty();
    }

    @Test
    void exportsGoToTheCallersOwnAccountOnly() throws Exception {
        String image = upload(Saio.OTHER_PROJECT, "raw", raw);
        String inProj1 = newContainer(project); // exists in AUTH_proj1 only
        JsonNode task = export(Saio.OTHER_PROJECT, image, inProj1);
        assertThat(task.get("message").asString()).isEqualTo("Container not found. Container: " + inProj1);
        assertThat(list(project, inProj1)).isEmpty();
    }

    @Test
    void aLicensedImageIsRefusedWithItsOptionsValue() throws Exception {
        String image = upload(Saio.PROJECT, "raw", raw);
        assertThat(ferry.send("PATCH", "/v2/images/" + image, "[{\"op\": \"add\", \"path\": "
                + "\"/com.rackspace__1__options\", \"value\": \"1\"}]", with(as(Saio.PROJECT), "Content-Type",
                "application/openstack-images-v2.1-json-patch")).status()).isEqualTo(200);
        String container = newContainer(project);
        JsonNode task = export(Saio.PROJECT, image, container);
        assertThat(task.get("message").asString()).isEqualTo("Image cannot be exported due to licensing or billing "
                + "restrictions (com.rackspace__1__options: '1')");
        assertThat(list(project, container)).isEmpty();
    }

    @Test
    void anUnknownOrInactiveImageIsRefused() throws Exception {
        String container = newContainer(project);
        String unknown = UUID.randomUUID().toString();
        assertThat(export(Saio.PROJECT, unknown, container).get("message").asString())
                .isEqualTo("Requested image for export was not found: " + unknown);

        String image = upload(Saio.PROJECT, "raw", raw);
        assertThat(ferry.send("POST", "/v2/images/" + image + "/actions/deactivate", null, as(Saio.PROJECT)).status())
                .isEqualTo(204);
        assertThat(export(Saio.PROJECT, image, container).get("message").asString()).isEqualTo("Image " + image
                + " cannot be exported: its status is 'deactivated'; only active images can be exported.");

        Reply queued = ferry.postJson("/v2/images", "{\"name\": \"empty\", \"disk_format\": \"raw\", "
                + "\"container_format\": \"bare\"}", as(Saio.PROJECT));
        String q = queued.json().get("id").asString();
        assertThat(export(Saio.PROJECT, q, container).get("message").asString())
                .isEqualTo("Image " + q + " cannot be exported: its status is 'queued'; only active images can be exported.");
        assertThat(list(project, container)).isEmpty();
        assertStagingEmpty();
    }

    @Test
    void malformedInputIsA400AtCreateTime() {
        String uuid = UUID.randomUUID().toString();
        Map<String, String> cases = Map.of(
                "{\"receiving_swift_container\": \"c\"}", "Input does not contain 'image_uuid' field",
                "{\"image_uuid\": \"" + uuid + "\"}", "Input does not contain 'receiving_swift_container' field",
                "{\"image_uuid\": \"" + uuid + "\", \"receiving_swift_container\": \"c\", \"x\": 1}",
                "Unsupported element in input, please consult the documentation: 'x'",
                "{\"image_uuid\": \"nope\", \"receiving_swift_container\": \"c\"}", "Invalid image_uuid: 'nope' is not a UUID.",
                "{\"image_uuid\": \"" + uuid + "\", \"receiving_swift_container\": \"a/b\"}",
                "Invalid receiving_swift_container 'a/b': it must not contain '/', '?' or '.'.");
        cases.forEach((input, message) -> {
            Reply r = ferry.postJson("/v2/tasks", "{\"type\": \"export\", \"input\": " + input + "}", as(Saio.PROJECT));
            assertThat(r.status()).as(input).isEqualTo(400);
            assertThat(r.message()).as(input).isEqualTo(message);
        });
    }

    static String[] with(String[] headers, String... more) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + more.length);
        System.arraycopy(more, 0, all, headers.length, more.length);
        return all;
    }
}
