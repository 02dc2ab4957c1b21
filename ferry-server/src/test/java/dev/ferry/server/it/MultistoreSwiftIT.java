package dev.ferry.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.server.TestServer;
import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftClient.Call;
import dev.ferry.server.tasks.TestImages;
import tools.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multistore with a file store (the default) and the real Swift of {@code tools/swift-saio.sh}:
 * copy-image from the file store into Swift (an SLO: 1 MiB segments), the file copy deleted, the
 * image downloaded from Swift; then copied from Swift into an S3 store (the SAIO's s3api), Swift's
 * copy deleted with its segments, the image downloaded from S3 and deleted.
 */
class MultistoreSwiftIT {

    @TempDir
    static Path dir;
    static TestServer ferry;
    static SwiftClient operator;
    static final String CONTAINER = "multistore-" + UUID.randomUUID().toString().substring(0, 8);
    static final String BUCKET = "multistore-s3-" + UUID.randomUUID().toString().substring(0, 8);
    static Path local;
    static byte[] raw;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        Saio.require();
        operator = Saio.operatorClient();
        raw = TestImages.raw(3 << 20, 31);
        local = dir.resolve("local");
        ferry = new TestServer(Files.createDirectories(dir.resolve("ferry")), "jdbc:h2:mem:multistoreit;DB_CLOSE_DELAY=-1",
                Map.ofEntries(Map.entry("stores.enabled", "local:file, obj:swift, bucket:s3"),
                        Map.entry("stores.default", "local"),
                        Map.entry("stores.local.file.root", local.toString()),
                        Map.entry("stores.obj.swift.container", CONTAINER),
                        Map.entry("stores.obj.description", "Swift SAIO"),
                        Map.entry("swift.auth_url", Saio.AUTH_URL.toString()), Map.entry("swift.user", Saio.OPERATOR),
                        Map.entry("swift.key", Saio.OPERATOR_KEY),
                        Map.entry("swift.segment_bytes", Integer.toString(1 << 20)),
                        // the SAIO's s3api: the bucket is a container of the operator's account
                        Map.entry("stores.bucket.s3.endpoint", Saio.HOST), Map.entry("stores.bucket.s3.region", "us-east-1"),
                        Map.entry("stores.bucket.s3.access_key", Saio.OPERATOR),
                        Map.entry("stores.bucket.s3.secret_key", Saio.OPERATOR_KEY),
                        Map.entry("stores.bucket.s3.bucket", BUCKET),
                        Map.entry("import.methods", "glance-direct,copy-image")), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
        if (operator != null) {
            operator.close();
        }
    }

    static List<String> list(String container) throws IOException {
        SwiftClient.Reply r = operator.exchange(Call.of("GET", container + "?format=json"));
        if (r.status() == 204 || r.status() == 404) {
            return List.of();
        }
        assertThat(r.status()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        TestServer.JSON.readTree(r.text()).forEach(e -> names.add(e.get("name").asString()));
        return names;
    }

    static List<String> localFiles() throws IOException {
        try (Stream<Path> s = Files.list(local)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void copyImageFromTheFileStoreToSwiftThenDownloadFromSwift() throws Exception {
        assertThat(ferry.get("/v2/info/stores").json().toString()).isEqualTo("{\"stores\":[{\"id\":\"local\","
                + "\"default\":\"true\"},{\"id\":\"obj\",\"description\":\"Swift SAIO\"},{\"id\":\"bucket\"}]}");
        String id = ferry.postJson("/v2/images", "{\"name\": \"m\", \"disk_format\": \"raw\", \"container_format\": "
                + "\"bare\"}").json().get("id").asString();
        HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create(ferry.base() + "/v2/images/" + id + "/file"))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(raw))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(204);
        assertThat(localFiles()).containsExactly(id);

        assertThat(ferry.postJson("/v2/images/" + id + "/import", "{\"method\": {\"name\": \"copy-image\"}, "
                + "\"stores\": [\"obj\"]}").status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            String s = ferry.get("/v2/images/" + id + "/tasks").json().get("tasks").get(0).get("status").asString();
            return s.equals("success") || s.equals("failure");
        });
        TestServer.Reply task = ferry.get("/v2/images/" + id + "/tasks");
        assertThat(task.json().get("tasks").get(0).get("status").asString()).as(task.raw().body()).isEqualTo("success");
        assertThat(ferry.get("/v2/images/" + id).json().get("stores").asString()).isEqualTo("local,obj");
        List<String> objects = list(CONTAINER);
        assertThat(objects).hasSize(1);
        assertThat(list(CONTAINER + "_segments")).hasSize(3); // 3 MiB in 1 MiB segments

        assertThat(ferry.send("DELETE", "/v2/stores/local/" + id, null).status()).isEqualTo(204);
        assertThat(localFiles()).isEmpty();
        HttpResponse<byte[]> down = http.send(HttpRequest.newBuilder(URI.create(ferry.base() + "/v2/images/" + id
                + "/file")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(down.statusCode()).isEqualTo(200);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(down.body())))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw)));

        // then into S3 (the SAIO's s3api), read from Swift; then Swift's copy goes and S3 serves it
        assertThat(ferry.postJson("/v2/images/" + id + "/import", "{\"method\": {\"name\": \"copy-image\"}, "
                + "\"stores\": [\"bucket\"]}").status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            JsonNode tasks = ferry.get("/v2/images/" + id + "/tasks").json().get("tasks");
            return tasks.size() == 2 && tasks.get(0).get("status").asString().matches("success|failure");
        });
        assertThat(ferry.get("/v2/images/" + id + "/tasks").json().get("tasks").get(0).get("status").asString())
                .isEqualTo("success");
        assertThat(ferry.get("/v2/images/" + id).json().get("stores").asString()).isEqualTo("obj,bucket");
        assertThat(list(BUCKET)).hasSize(1);
        assertThat(ferry.send("DELETE", "/v2/stores/obj/" + id, null).status()).isEqualTo(204);
        assertThat(list(CONTAINER)).isEmpty();
        assertThat(list(CONTAINER + "_segments")).isEmpty();
        HttpResponse<byte[]> fromS3 = http.send(HttpRequest.newBuilder(URI.create(ferry.base() + "/v2/images/" + id
                + "/file")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fromS3.statusCode()).isEqualTo(200);
        assertThat(fromS3.body()).isEqualTo(raw);

        assertThat(ferry.send("DELETE", "/v2/images/" + id, null).status()).isEqualTo(204);
        assertThat(list(BUCKET)).isEmpty();
        assertThat(localFiles()).isEmpty();
    }
}
