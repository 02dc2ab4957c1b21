package dev.ferry.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.server.TestDatabases;
import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import dev.ferry.server.objectstorage.S3Clients;
import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftClient.Call;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/** A whole Ferry server with {@code store.type=swift} and {@code store.type=s3}: an import lands in object storage. */
class ObjectStoreServerIT {

    @TempDir
    Path dir;
    HttpServer data;
    byte[] image;

    @BeforeEach
    void start() throws IOException {
        Saio.require();
        image = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(image);
        data = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        data.createContext("/disk.raw", ex -> {
            ex.sendResponseHeaders(200, image.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(image);
            }
        });
        data.start();
    }

    @AfterEach
    void stop() {
        if (data != null) {
            data.stop(0);
        }
    }

    @Test
    void swiftStoreKeepsImportedImagesAsSlos() throws Exception {
        String container = "srv-" + UUID.randomUUID().toString().substring(0, 8);
        String key = importWith(Map.of("store.type", "swift", "swift.auth_url", Saio.AUTH_URL.toString(),
                "swift.user", Saio.OPERATOR, "swift.key", Saio.OPERATOR_KEY, "swift.container", container,
                "swift.segment_bytes", "1048576"));
        try (SwiftClient swift = Saio.operatorClient()) {
            SwiftClient.Reply head = swift.exchange(Call.of("HEAD", SwiftClient.objectPath(container, key)));
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("X-Static-Large-Object")).isEqualToIgnoringCase("true");
            assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(image.length));
        }
    }

    @Test
    void s3StoreKeepsImportedImages() throws Exception {
        String bucket = "srv-" + UUID.randomUUID().toString().substring(0, 8);
        String key = importWith(Map.of("store.type", "s3", "s3.endpoint", Saio.HOST, "s3.region", "us-east-1",
                "s3.access_key", Saio.OPERATOR, "s3.secret_key", Saio.OPERATOR_KEY, "s3.bucket", bucket));
        try (S3Client s3 = S3Clients.create(URI.create(Saio.HOST), "us-east-1", Saio.OPERATOR, Saio.OPERATOR_KEY,
                Duration.ofSeconds(5), Duration.ofSeconds(60))) {
            assertThat(s3.headObject(b -> b.bucket(bucket).key(key)).contentLength()).isEqualTo(image.length);
        }
    }

    /** Imports the image through the tasks API, checks the image's data, returns the store key. */
    private String importWith(Map<String, String> store) throws Exception {
        Map<String, String> settings = new HashMap<>(store);
        settings.put("url.allowed_hosts", "127.0.0.1");
        settings.put("url.allowed_ports", Integer.toString(data.getAddress().getPort()));
        try (TestServer ferry = new TestServer(dir, TestDatabases.h2(dir), settings, Clock.systemUTC())) {
            Reply r = ferry.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": {\"import_from\": "
                    + "\"http://127.0.0.1:" + data.getAddress().getPort() + "/disk.raw\", \"import_from_format\": \"raw\", "
                    + "\"image_properties\": {\"name\": \"disk\", \"disk_format\": \"raw\", \"container_format\": \"bare\"}}}");
            assertThat(r.status()).isEqualTo(201);
            String id = r.json().get("id").asString();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                String s = ferry.get("/v2/tasks/" + id).json().get("status").asString();
                return s.equals("success") || s.equals("failure");
            });
            JsonNode task = ferry.get("/v2/tasks/" + id).json();
            assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
            String imageId = task.get("result").get("image_id").asString();
            HttpResponse<byte[]> file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(ferry.base() + "/v2/images/" + imageId + "/file")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(file.body()).isEqualTo(image);
            return "task-" + id + "-1";
        }
    }
}
