package dev.ferry.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.VhdCode;
import dev.ferry.format.convert.TargetFormat;
import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftClient.Call;
import dev.ferry.server.tasks.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Rackspace imports from {@code container/object} in the project's own Swift account (the SAIO of
 * tools/swift-saio.sh; skipped when it cannot run): a valid VHD becomes an image, a file that is
 * no VHD fails with 396 and leaves nothing behind.
 */
class RackspaceSwiftIT {

    @TempDir
    static Path dir;
    static TestServer ferry;
    static SwiftClient project;
    static String container = "imports-" + UUID.randomUUID();
    static byte[] vhd;

    @BeforeAll
    static void start() throws IOException {
        Saio.require();
        project = Saio.projectClient();
        vhd = TestImages.convert(TestImages.raw(1 << 20, 3), TargetFormat.VHD_DYNAMIC,
                Files.createDirectories(dir.resolve("work")));
        byte[] noise = new byte[1 << 20];
        new Random(9).nextBytes(noise);
        assertThat(project.exchange(Call.of("PUT", container).body(new ByteArrayEntity(new byte[0], null))).status())
                .isIn(201, 202);
        for (Map.Entry<String, byte[]> e : Map.of("good.vhd", vhd, "noise.vhd", noise).entrySet()) {
            assertThat(project.exchange(Call.of("PUT", container + "/" + e.getKey())
                    .body(new ByteArrayEntity(e.getValue(), null))).status()).isEqualTo(201);
        }
        ferry = new TestServer(Files.createDirectories(dir.resolve("ferry")), "jdbc:h2:mem:rsswift;DB_CLOSE_DELAY=-1",
                Map.of("import.profile", "rackspace", "swift.auth_url", Saio.AUTH_URL.toString(),
                        "swift.user", Saio.OPERATOR, "swift.key", Saio.OPERATOR_KEY), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
        if (project != null) {
            project.close();
        }
    }

    static JsonNode importObject(String from) {
        Reply r = ferry.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": {\"import_from\": \"" + from
                + "\", \"import_from_format\": \"vhd\", \"image_properties\": {\"name\": \"from-swift\"}}}",
                "X-Tenant-Id", Saio.PROJECT, "X-Roles", "admin");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return ferry.awaitTask(r.json().get("id").asString(), Duration.ofSeconds(60));
    }

    @Test
    void aVhdInTheProjectsContainerBecomesAnImage() {
        JsonNode task = importObject(container + "/good.vhd");
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        JsonNode image = ferry.get("/v2/images/" + task.get("result").get("image_id").asString()).json();
        assertThat(image.get("disk_format").asString()).isEqualTo("vhd");
        assertThat(image.get("size").asLong()).isEqualTo(vhd.length);
        assertThat(image.get("owner").asString()).isEqualTo(Saio.PROJECT);
    }

    @Test
    void aFileThatIsNoVhdFailsWith396AndLeavesNothing() throws IOException {
        JsonNode task = importObject("swift://" + container + "/noise.vhd");
        assertThat(task.get("message").asString()).startsWith(VhdCode.NOT_A_VHD.finding().message());
        try (Stream<Path> staging = Files.list(dir.resolve("ferry/staging"))) {
            assertThat(staging.toList()).isEmpty();
        }
    }

    @Test
    void aMissingObjectIsNamed() {
        JsonNode task = importObject(container + "/absent.vhd");
        assertThat(task.get("message").asString()).isEqualTo("Could not download " + container
                + "/absent.vhd: object " + container + "/absent.vhd not found in your Cloud Files account");
    }
}
