package dev.ferry.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.format.convert.TargetFormat;
import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftClient.Call;
import dev.ferry.server.tasks.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * kill -9 in the middle of an export's upload to Swift: the restarted server claims the task
 * again after its lease, the second attempt removes the first one's segments, and the container
 * ends with the object and its own segments only; with no attempt left the task is failed and its
 * segments removed ({@code Job.abandon}). The server is a real process (the shaded jar)
 * on an H2 file database, acting as the noauth {@code default} project (Swift account
 * {@code AUTH_default}); Swift is the SAIO of tools/swift-saio.sh.
 */
class ExportCrashIT {

    private static final int LEASE_SECONDS = 3;
    private static final String ACCOUNT = "AUTH_default";

    @TempDir
    Path work;

    private Map<String, String> config() {
        Map<String, String> c = new HashMap<>();
        c.put("tasks.lease_seconds", String.valueOf(LEASE_SECONDS));
        c.put("tasks.heartbeat_seconds", "1");
        c.put("tasks.poll_millis", "200");
        c.put("import.profile", "rackspace");
        c.put("swift.auth_url", Saio.AUTH_URL.toString());
        c.put("swift.user", Saio.OPERATOR);
        c.put("swift.key", Saio.OPERATOR_KEY);
        c.put("swift.segment_bytes", Integer.toString(1 << 20));
        return c;
    }

    private static List<String> names(SwiftClient swift, String container) throws IOException {
        SwiftClient.Reply r = swift.exchange(Call.of("GET", container + "?format=json").in(ACCOUNT));
        List<String> names = new ArrayList<>();
        if (r.status() == 200) {
            ServerProcess.JSON.readTree(r.text()).forEach(e -> names.add(e.get("name").asString()));
        }
        return names;
    }

    private static JsonNode awaitFinished(ServerProcess server, String id, int seconds) {
        await("task " + id).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String s = server.get("/v2/tasks/" + id).json().get("status").asString();
            return s.equals("success") || s.equals("failure");
        });
        return server.get("/v2/tasks/" + id).json();
    }

    /** What a crash left: the container, the image, the task, the exported file's bytes. */
    private record Crashed(SwiftClient swift, Path data, String exports, String imageId, String taskId, byte[] vhd) {
    }

    /**
     * Imports a 96 MiB VHD, starts exporting it and kills the server as soon as the first segment
     * of the upload is listed; skips the test if the upload finished before the kill.
     */
    private Crashed crashDuringExport(SwiftClient swift, Map<String, String> config) throws Exception {
        String sources = "crash-src-" + UUID.randomUUID().toString().substring(0, 8);
        String exports = "crash-exp-" + UUID.randomUUID().toString().substring(0, 8);
        for (String c : List.of(sources, exports)) {
            assertThat(swift.exchange(Call.of("PUT", c).in(ACCOUNT).body(new ByteArrayEntity(new byte[0], null)))
                    .status()).isIn(201, 202);
        }
        byte[] raw = new byte[96 << 20];
        new Random(5).nextBytes(raw);
        byte[] vhd = TestImages.convert(raw, TargetFormat.VHD_DYNAMIC, Files.createDirectories(work.resolve("img")));
        assertThat(swift.exchange(Call.of("PUT", sources + "/disk.vhd").in(ACCOUNT)
                .body(new ByteArrayEntity(vhd, null))).status()).isEqualTo(201);

        Path data = work.resolve("data");
        String imageId;
        String taskId;
        JsonNode during;
        ServerProcess first = ServerProcess.start("export-first", work, data, config);
        try {
            ServerProcess.Reply imported = first.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": "
                    + "{\"import_from\": \"" + sources + "/disk.vhd\", \"import_from_format\": \"vhd\", "
                    + "\"image_properties\": {\"name\": \"big\"}}}");
            assertThat(imported.status()).as(imported.body()).isEqualTo(201);
            JsonNode done = awaitFinished(first, imported.json().get("id").asString(), 120);
            assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("success");
            imageId = done.get("result").get("image_id").asString();

            ServerProcess.Reply created = first.postJson("/v2/tasks", "{\"type\": \"export\", \"input\": "
                    + "{\"image_uuid\": \"" + imageId + "\", \"receiving_swift_container\": \"" + exports + "\"}}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            taskId = created.json().get("id").asString();
            String firstSegment = imageId + ".vhd-" + taskId + "-1/00000000";
            await("the first attempt's upload to begin").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(20)).until(() -> names(swift, exports).contains(firstSegment));
            during = first.get("/v2/tasks/" + taskId).json();
            first.kill();
        } finally {
            first.close();
        }
        List<String> afterKill = names(swift, exports);
        assumeTrue(!afterKill.contains(imageId + ".vhd"), "the upload finished before the kill: nothing to retry");
        String attempt1 = imageId + ".vhd-" + taskId + "-1/";
        assertThat(afterKill).isNotEmpty().allMatch(n -> n.startsWith(attempt1));
        // while uploading, the task shows its progress against the size of the .vhd
        assertThat(during.get("status").asString()).isEqualTo("processing");
        assertThat(during.get("progress").get("bytes_total").asLong()).isEqualTo(vhd.length);
        assertThat(during.get("progress").get("bytes_done").asLong()).isBetween(0L, (long) vhd.length - 1);
        return new Crashed(swift, data, exports, imageId, taskId, vhd);
    }

    @Test
    void aKilledExportIsRetriedAndLeavesOnlyItsLastAttempt() throws Exception {
        Saio.require();
        try (SwiftClient swift = Saio.operatorClient()) {
            Crashed c = crashDuringExport(swift, config());
            try (ServerProcess second = ServerProcess.start("export-second", work, c.data(), config())) {
                JsonNode task = awaitFinished(second, c.taskId(), LEASE_SECONDS + 120);
                assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
                List<String> left = names(swift, c.exports());
                assertThat(left).contains(c.imageId() + ".vhd");
                assertThat(left).as("only the object and the segments of the attempt that succeeded")
                        .allMatch(n -> n.equals(c.imageId() + ".vhd") || n.startsWith(c.imageId() + ".vhd-" + c.taskId() + "-2/"));
                try (SwiftClient.Response r = swift.open(Call.of("GET", c.exports() + "/" + c.imageId() + ".vhd").in(ACCOUNT));
                     InputStream in = r.body()) {
                    assertThat(r.status()).isEqualTo(200);
                    MessageDigest exported = MessageDigest.getInstance("SHA-512");
                    byte[] buf = new byte[1 << 20];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        exported.update(buf, 0, n);
                    }
                    assertThat(exported.digest()).isEqualTo(MessageDigest.getInstance("SHA-512").digest(c.vhd()));
                }
            }
        }
    }

    @Test
    void aKilledExportWithoutAttemptsLeftIsFailedAndItsSegmentsRemoved() throws Exception {
        Saio.require();
        Map<String, String> config = config();
        config.put("tasks.max_attempts", "1");
        try (SwiftClient swift = Saio.operatorClient()) {
            Crashed c = crashDuringExport(swift, config);
            try (ServerProcess second = ServerProcess.start("export-second", work, c.data(), config)) {
                JsonNode task = awaitFinished(second, c.taskId(), LEASE_SECONDS + 120);
                assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("failure");
                assertThat(task.get("message").asString()).startsWith("Task failed after 1 attempts");
                // Job.abandon runs right after the task is failed
                await("the abandoned attempt's segments to be removed").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200)).until(() -> names(swift, c.exports()).isEmpty());
            }
        }
    }
}
