package dev.ferry.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.convert.TargetFormat;
import dev.ferry.server.TestDatabases;
import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import dev.ferry.server.objectstorage.S3Clients;
import dev.ferry.server.tasks.TestImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * {@code s3://bucket/key} imports through the tasks API, against the SAIO's s3api: a qcow2 in a
 * bucket becomes a raw image with the same virtual disk; a missing key, a missing bucket and the
 * bucket that holds Ferry's own images each fail with their own message and leave no image.
 */
class S3ImportIT {

    @TempDir
    static Path dir;
    static TestServer ferry;
    static S3Client s3;
    static final String BUCKET = "uploads-" + UUID.randomUUID().toString().substring(0, 8);
    static final String STORE_BUCKET = "images-" + UUID.randomUUID().toString().substring(0, 8);
    static byte[] raw;

    @BeforeAll
    static void start() throws IOException {
        Saio.require();
        s3 = S3Clients.create(URI.create(Saio.HOST), "us-east-1", Saio.OPERATOR, Saio.OPERATOR_KEY,
                Duration.ofSeconds(5), Duration.ofSeconds(60));
        raw = TestImages.raw(2 << 20, 11);
        byte[] qcow2 = TestImages.convert(raw, TargetFormat.QCOW2, Files.createDirectories(dir.resolve("work")));
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.putObject(b -> b.bucket(BUCKET).key("disks/web.qcow2"), RequestBody.fromBytes(qcow2));
        ferry = new TestServer(Files.createDirectories(dir.resolve("ferry")), TestDatabases.h2(dir), Map.of(
                "store.type", "s3", "s3.endpoint", Saio.HOST, "s3.region", "us-east-1",
                "s3.access_key", Saio.OPERATOR, "s3.secret_key", Saio.OPERATOR_KEY, "s3.bucket", STORE_BUCKET),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    static JsonNode importFrom(String from) {
        Reply r = ferry.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": {\"import_from\": \"" + from
                + "\", \"import_from_format\": \"qcow2\", \"image_properties\": {\"name\": \"from-s3\", "
                + "\"disk_format\": \"raw\", \"container_format\": \"bare\"}}}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return ferry.awaitTask(r.json().get("id").asString(), Duration.ofSeconds(60));
    }

    @Test
    void aQcow2InABucketBecomesARawImage() throws Exception {
        JsonNode task = importFrom("s3://" + BUCKET + "/disks/web.qcow2");
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        String imageId = task.get("result").get("image_id").asString();
        JsonNode image = ferry.get("/v2/images/" + imageId).json();
        assertThat(image.get("disk_format").asString()).isEqualTo("raw");
        assertThat(image.get("virtual_size").asLong()).isEqualTo(raw.length);
        HttpResponse<byte[]> file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(ferry.base() + "/v2/images/" + imageId + "/file")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.body()).isEqualTo(raw);
        // the converted image is in Ferry's own bucket, keyed by its task
        assertThat(s3.headObject(b -> b.bucket(STORE_BUCKET).key("task-" + task.get("id").asString() + "-1"))
                .contentLength()).isEqualTo(raw.length);
    }

    @Test
    void eachMissingPieceHasItsOwnMessageAndLeavesNoImage() {
        int before = ferry.get("/v2/images").json().get("images").size();
        assertThat(importFrom("s3://" + BUCKET + "/disks/absent.qcow2").get("message").asString())
                .isEqualTo("Could not download s3://" + BUCKET + "/disks/absent.qcow2: object s3://" + BUCKET
                        + "/disks/absent.qcow2 not found");
        assertThat(importFrom("s3://no-such-bucket-" + BUCKET + "/k").get("message").asString())
                .isEqualTo("Could not download s3://no-such-bucket-" + BUCKET + "/k: bucket no-such-bucket-" + BUCKET
                        + " not found");
        assertThat(importFrom("s3://" + STORE_BUCKET + "/task-x").get("message").asString())
                .isEqualTo("Importing from 's3://" + STORE_BUCKET + "/task-x' is refused: bucket " + STORE_BUCKET
                        + " holds this server's image data.");
        assertThat(ferry.get("/v2/images").json().get("images").size()).isEqualTo(before);
    }
}
