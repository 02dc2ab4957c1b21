package dev.ferry.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.server.tasks.DataServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The OpenStack seed (reference seed 003) against the release jar: its request body verbatim, a
 * qcow2 made by qemu-img and served over loopback http, imported with {@code disk_format: vhd};
 * the stored VHD passes {@code qemu-img compare} against the source. Skipped without qemu-img.
 */
class SeedImportIT {

    @TempDir
    static Path work;
    static DataServer data;
    static ServerProcess server;
    static Path qcow2;

    static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        if (rc != 0) {
            System.err.println(String.join(" ", command) + ": " + out);
        }
        return rc;
    }

    static boolean qemuImg() {
        try {
            return run("qemu-img", "--version") == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(qemuImg(), "qemu-img is not installed");
        Path raw = work.resolve("seed.raw");
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            Random r = new Random(17);
            byte[] mib = new byte[1 << 20];
            for (int i = 0; i < 24; i += 3) { // 8 MiB of data spread over a 24 MiB disk
                r.nextBytes(mib);
                f.seek((long) i << 20);
                f.write(mib);
            }
            f.setLength(24L << 20);
        }
        qcow2 = work.resolve("seed.qcow2");
        assertThat(run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString())).isZero();
        data = new DataServer();
        data.serve("/seed.qcow2", Files.readAllBytes(qcow2));
        server = ServerProcess.start("seed-it", work, work.resolve("data"), Map.of(
                "url.allowed_hosts", "127.0.0.1", "url.allowed_ports", "80,443," + data.port(),
                "tasks.poll_millis", "200"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (data != null) {
            data.close();
        }
    }

    @Test
    void theSeedRequestStoresAVhdThatQemuImgFindsIdenticalToTheSource() throws Exception {
        String seed = """
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
                """.formatted(data.url("/seed.qcow2"));
        ServerProcess.Reply created = server.postJson("/v2/tasks", seed);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asString();
        await().atMost(Duration.ofSeconds(120)).until(() ->
                List.of("success", "failure").contains(server.get("/v2/tasks/" + id).json().get("status").asString()));
        JsonNode task = server.get("/v2/tasks/" + id).json();
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        String imageId = task.get("result").get("image_id").asString();
        JsonNode image = server.get("/v2/images/" + imageId).json();
        assertThat(image.get("disk_format").asString()).isEqualTo("vhd");
        assertThat(image.get("container_format").asString()).isEqualTo("ovf");

        Path stored = work.resolve("stored.vhd");
        HttpResponse<Path> file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                server.base().resolve("v2/images/" + imageId + "/file")).build(), HttpResponse.BodyHandlers.ofFile(stored));
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(Files.size(stored)).isEqualTo(image.get("size").asLong());
        assertThat(run("qemu-img", "compare", "-f", "qcow2", "-F", "vpc", qcow2.toString(), stored.toString()))
                .as("qemu-img compare").isZero();
        try (Stream<Path> staging = Files.list(work.resolve("data/staging"))) {
            assertThat(staging.toList()).isEmpty();
        }
    }
}
