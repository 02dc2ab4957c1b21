package dev.ferry.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.server.TestDatabases;
import dev.ferry.server.stores.FileStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * kill -9 in the middle of an import: the task must not stay pending or processing. The server
 * runs as a real process ({@code java -jar ferry.jar serve}) with a short lease; the image comes
 * from an in-test HTTP server that trickles its first download until the test opens a gate, so
 * the import is certainly in flight when the process is killed. Later downloads run at full speed.
 */
class CrashRecoveryIT {

    private static final int LEASE_SECONDS = 3;
    private static final int IMAGE_SIZE = 8 * 1024 * 1024;
    private static final int TRICKLE_CHUNK = 32 * 1024;

    private final byte[] image = new byte[IMAGE_SIZE];
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger downloads = new AtomicInteger();
    private final AtomicLong trickled = new AtomicLong();
    private HttpServer source;

    @TempDir
    Path work;

    @BeforeEach
    void startSource() throws IOException {
        new Random(7).nextBytes(image);
        source = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        source.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        source.createContext("/disk.raw", this::serve);
        source.start();
    }

    @AfterEach
    void stopSource() {
        gate.countDown();
        source.stop(0);
    }

    private void serve(HttpExchange ex) throws IOException {
        boolean first = downloads.incrementAndGet() == 1;
        ex.sendResponseHeaders(200, image.length);
        try (OutputStream out = ex.getResponseBody()) {
            int off = 0;
            while (first && off < image.length && gate.getCount() > 0) {
                out.write(image, off, TRICKLE_CHUNK);
                out.flush();
                off += TRICKLE_CHUNK;
                trickled.set(off);
                gate.await(250, TimeUnit.MILLISECONDS);
            }
            out.write(image, off, image.length - off);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the importing process was killed: expected for the first download
        }
    }

    private Map<String, String> config(String databaseUrl) {
        Map<String, String> c = new HashMap<>();
        c.put("tasks.lease_seconds", String.valueOf(LEASE_SECONDS));
        c.put("tasks.heartbeat_seconds", "1");
        c.put("tasks.poll_millis", "200");
        c.put("url.allowed_hosts", "127.0.0.1");
        c.put("url.allowed_ports", "80,443," + source.getAddress().getPort());
        if (databaseUrl != null) {
            c.put("database.url", databaseUrl);
        }
        return c;
    }

    private String createImport(ServerProcess server) {
        ServerProcess.Reply created = server.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": {"
                + "\"import_from\": \"http://127.0.0.1:" + source.getAddress().getPort() + "/disk.raw\", "
                + "\"import_from_format\": \"raw\", \"image_properties\": {\"name\": \"crash\", "
                + "\"disk_format\": \"raw\", \"container_format\": \"bare\"}}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    /** The task is processing and its download has begun (and is trickling, far from done). */
    private void awaitInFlight(ServerProcess server, String id) {
        await("task " + id + " processing with its download under way").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> trickled.get() >= 2L * TRICKLE_CHUNK
                        && "processing".equals(server.get("/v2/tasks/" + id).json().get("status").asString()));
        assertThat(trickled.get()).isLessThan(IMAGE_SIZE);
    }

    /** After the crash the task is finished by a live node, within the lease plus generous slack. */
    private JsonNode awaitFinished(ServerProcess server, String id) {
        await("task " + id + " to finish after the crash")
                .atMost(Duration.ofSeconds(LEASE_SECONDS + 90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    String status = server.get("/v2/tasks/" + id).json().get("status").asString();
                    return status.equals("success") || status.equals("failure");
                });
        return server.get("/v2/tasks/" + id).json();
    }

    /**
     * The store holds exactly one blob, the image's: the killed attempt never published one. (Its
     * temporary file may remain until a sweep: FileStore sweeps only files older than a bound.)
     */
    private void assertOnlyBlob(Path data) throws IOException {
        try (Stream<Path> files = Files.list(data.resolve("images"))) {
            List<Path> blobs = files.filter(p -> !p.getFileName().toString().startsWith(FileStore.TEMP_PREFIX)).toList();
            assertThat(blobs).hasSize(1);
            assertThat(Files.size(blobs.get(0))).isEqualTo(image.length);
        }
    }

    private void assertImported(ServerProcess server, JsonNode task) throws Exception {
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        assertThat(downloads.get()).as("downloads: the killed one, then the retry").isGreaterThanOrEqualTo(2);
        String imageId = task.get("result").get("image_id").asString();
        JsonNode img = server.get("/v2/images/" + imageId).json();
        assertThat(img.get("status").asString()).isEqualTo("active");
        assertThat(img.get("size").asLong()).isEqualTo(IMAGE_SIZE);
        assertThat(img.get("checksum").asString())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(image)));
        // the jar runs on Java 22+, where SHA-512 is OpenSSL's (META-INF/versions/22): same digest as the JDK's
        assertThat(img.get("os_hash_value").asString())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(image)));
        assertThat(server.log()).contains("SHA-512 by OpenSSL 3.");
        JsonNode list = server.get("/v2/tasks?limit=100").json().get("tasks");
        assertThat(list).isNotEmpty();
        for (JsonNode t : list) {
            assertThat(t.get("status").asString()).as("task " + t.get("id")).isIn("success", "failure");
        }
    }

    @Test
    void aKilledServerRestartedOnTheSameH2DataDirFinishesTheTask() throws Exception {
        Path data = work.resolve("data");
        String id;
        ServerProcess first = ServerProcess.start("h2-first", work, data, config(null));
        try {
            id = createImport(first);
            awaitInFlight(first, id);
            first.kill();
            assertThat(first.isAlive()).isFalse();
        } finally {
            first.close();
        }
        gate.countDown();
        try (ServerProcess second = ServerProcess.start("h2-second", work, data, config(null))) {
            JsonNode task = awaitFinished(second, id);
            assertImported(second, task);
            assertOnlyBlob(data);
        }
    }

    @Test
    void onPostgresTheSurvivingNodeFinishesTheTaskOfAKilledOne() throws Exception {
        String url = TestDatabases.postgres();
        Path data = work.resolve("shared-data"); // a shared file store, as on NFS
        Pair pair = startPairAndKillTheVictim(url, data);
        try (ServerProcess survivor = pair.survivor()) {
            gate.countDown();
            JsonNode task = awaitFinished(survivor, pair.taskId());
            assertImported(survivor, task);
            assertOnlyBlob(data);
        }
    }

    private record Pair(ServerProcess survivor, String taskId) {
    }

    /**
     * Starts the victim alone so that it certainly holds the task, waits until the import is in
     * flight, starts the survivor on the same database, then kills the victim.
     */
    private Pair startPairAndKillTheVictim(String url, Path data) throws Exception {
        ServerProcess victim = ServerProcess.start("pg-victim", work, data, config(url));
        ServerProcess survivor = null;
        try {
            String id = createImport(victim);
            awaitInFlight(victim, id);
            survivor = ServerProcess.start("pg-survivor", work, data, config(url));
            assertThat(survivor.get("/v2/tasks/" + id).json().get("status").asString()).isEqualTo("processing");
            victim.kill();
            assertThat(victim.isAlive()).isFalse();
            return new Pair(survivor, id);
        } catch (Exception | AssertionError e) {
            if (survivor != null) {
                survivor.close();
            }
            throw e;
        } finally {
            victim.close();
        }
    }
}
