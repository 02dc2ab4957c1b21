package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.format.VhdCode;
import dev.ferry.format.convert.TargetFormat;
import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The {@code rackspace} profile through the API: every VHD validation code is reached with a VHD
 * made in code (Ferry's writer, then one footer field patched), and a valid VHD becomes a private
 * {@code vhd}/{@code ovf} image.
 */
class RackspaceImportTest {

    static final int DISK = 1024 * 1024;

    @TempDir
    static Path dir;
    static DataServer data;
    static TestServer ferry;
    static byte[] fixed;
    static byte[] dynamic;

    @BeforeAll
    static void start() throws IOException {
        data = new DataServer();
        Path work = Files.createDirectories(dir.resolve("work"));
        byte[] raw = TestImages.raw(DISK, 11);
        fixed = TestImages.convert(raw, TargetFormat.VHD_FIXED, work);
        dynamic = TestImages.convert(raw, TargetFormat.VHD_DYNAMIC, work);
        Path ferryDir = Files.createDirectories(dir.resolve("ferry"));
        ferry = new TestServer(ferryDir, "jdbc:h2:mem:rackspace;DB_CLOSE_DELAY=-1", Map.of(
                "import.profile", "rackspace",
                "url.allowed_hosts", "127.0.0.1", "url.allowed_ports", String.valueOf(data.port())), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
        data.close();
    }

    static JsonNode importVhd(String path, byte[] image, String props) {
        String url = image == null ? data.url(path) : data.serve(path, image);
        Reply r = ferry.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": {\"import_from\": \"" + url
                + "\", \"import_from_format\": \"vhd\", \"image_properties\": " + props + "}}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        String id = r.json().get("id").asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            String s = ferry.get("/v2/tasks/" + id).json().get("status").asString();
            return s.equals("success") || s.equals("failure");
        });
        return ferry.get("/v2/tasks/" + id).json();
    }

    static void assertRefused(JsonNode task, VhdCode code) throws IOException {
        assertThat(task.get("status").asString()).isEqualTo("failure");
        String text = code.finding().message();
        assertThat(task.get("message").asString()).as(code.name()).startsWith(text);
        try (Stream<Path> staging = Files.list(dir.resolve("ferry/staging"))) {
            assertThat(staging.toList()).isEmpty();
        }
        long successes = 0;
        for (JsonNode t : ferry.get("/v2/tasks?limit=1000").json().get("tasks")) {
            successes += t.get("status").asString().equals("success") ? 1 : 0;
        }
        try (Stream<Path> store = Files.list(dir.resolve("ferry/images"))) {
            assertThat(store.count()).isEqualTo(successes);
        }
    }

    @Test
    void theDocumentedRequestWithoutImportFromFormatIsImported() {
        String url = data.serve("/documented.vhd", dynamic);
        Reply r = ferry.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": {\"image_properties\": "
                + "{\"name\": \"My excellent custom image\"}, \"import_from\": \"" + url + "\"}}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        String id = r.json().get("id").asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            String s = ferry.get("/v2/tasks/" + id).json().get("status").asString();
            return s.equals("success") || s.equals("failure");
        });
        JsonNode task = ferry.get("/v2/tasks/" + id).json();
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        assertThat(ferry.get("/v2/images/" + task.get("result").get("image_id").asString()).json()
                .get("disk_format").asString()).isEqualTo("vhd");
    }

    @Test
    void validFixedAndDynamicVhdsBecomePrivateVhdOvfImages() throws Exception {
        for (byte[] vhd : new byte[][] {fixed, dynamic}) {
            JsonNode task = importVhd("/ok-" + vhd.length + ".vhd", vhd, "{\"name\": \"my-server\"}");
            assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
            JsonNode image = ferry.get("/v2/images/" + task.get("result").get("image_id").asString()).json();
            assertThat(image.get("name").asString()).isEqualTo("my-server");
            assertThat(image.get("disk_format").asString()).isEqualTo("vhd");
            assertThat(image.get("container_format").asString()).isEqualTo("ovf");
            assertThat(image.get("visibility").asString()).isEqualTo("private");
            assertThat(image.get("size").asLong()).isEqualTo(vhd.length);
            assertThat(image.get("checksum").asString()).isEqualTo(ImportPipelineTest.hex("MD5", vhd));
        }
    }

    @Test
    void onlyTheNameMayBeGiven() throws IOException {
        JsonNode task = importVhd("/props.vhd", fixed, "{\"name\": \"x\", \"disk_format\": \"vhd\"}");
        assertThat(task.get("message").asString())
                .isEqualTo("Only 'name' may be given in image_properties of a Rackspace import.");
    }

    @Test
    void code396ForAFileThatIsNoVhd() throws IOException {
        byte[] noise = new byte[DISK];
        new Random(3).nextBytes(noise);
        assertRefused(importVhd("/noise.vhd", noise, "{}"), VhdCode.NOT_A_VHD);
        assertRefused(importVhd("/qcow.vhd", TestImages.convert(TestImages.raw(DISK, 1), TargetFormat.QCOW2,
                dir.resolve("work")), "{}"), VhdCode.NOT_A_VHD);
    }

    @Test
    void code721ForADifferencingDisk() throws IOException {
        byte[] differencing = TestImages.patchFooter(dynamic, f -> f.putInt(TestImages.DISK_TYPE, 4));
        assertRefused(importVhd("/differencing.vhd", differencing, "{}"), VhdCode.HAS_PARENT);
    }

    @Test
    void code523ForADiskTypeOtherThanFixedOrDynamic() throws IOException {
        byte[] odd = TestImages.patchFooter(fixed, f -> f.putInt(TestImages.DISK_TYPE, 6));
        assertRefused(importVhd("/type6.vhd", odd, "{}"), VhdCode.NOT_FIXED_OR_DYNAMIC);
    }

    @Test
    void code614ForAnAllZeroUuid() throws IOException {
        byte[] zero = TestImages.patchFooter(fixed, f -> f.put(TestImages.UNIQUE_ID, new byte[16]));
        assertRefused(importVhd("/zero-uuid.vhd", zero, "{}"), VhdCode.ZERO_UUID);
    }

    @Test
    void code413ForAVirtualSizeOver40Gb() throws IOException {
        byte[] big = TestImages.emptyDynamicVhd(41L << 30, dir.resolve("work"));
        assertRefused(importVhd("/big.vhd", big, "{}"), VhdCode.VIRTUAL_SIZE);
    }

    @Test
    void code609ForAFileOver40GbWithoutDownloadingIt() throws IOException {
        data.announce("/huge.vhd", (40L << 30) + 1);
        JsonNode task = importVhd("/huge.vhd", null, "{}");
        assertRefused(task, VhdCode.PHYSICAL_SIZE);
    }

    @Test
    void code111ForAnythingElse() throws IOException {
        byte[] saved = TestImages.patchFooter(fixed, f -> f.put(TestImages.SAVED_STATE, (byte) 1));
        assertRefused(importVhd("/saved.vhd", saved, "{}"), VhdCode.UNSPECIFIED);
    }
}
