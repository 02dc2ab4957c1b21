package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.server.TestDatabases;
import dev.ferry.server.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image stored by a single-store Ferry before V8 (its key in {@code images.location}) after the
 * upgrade: V8 records it in {@code image_locations} under the single store's id; the same server
 * still serves it, and a server turned multistore serves it from its default store, copies it and
 * removes it from there.
 */
class LegacyLocationsTest {

    static final String ID = "11111111-2222-4333-8444-555555555555";

    @Test
    void v8MovesTheSingleLocationAndMultistoreReadsItFromTheDefaultStore(@TempDir Path dir)
            throws IOException, SQLException {
        String url = TestDatabases.h2(dir);
        Flyway.configure().dataSource(url, "", "").locations("classpath:db/migration").target("7").load().migrate();
        byte[] data = dev.ferry.server.tasks.TestImages.raw(65536 * 3, 5);
        Path images = Files.createDirectories(dir.resolve("images"));
        Files.write(images.resolve("legacy-key"), data);
        try (Connection c = DriverManager.getConnection(url, "", "");
             PreparedStatement s = c.prepareStatement("INSERT INTO images (id, name, status, visibility, owner, "
                     + "disk_format, container_format, size, checksum, location, min_ram, min_disk, protected, "
                     + "properties, created_at, updated_at) VALUES (?, 'old', 'active', 'public', 'p', 'raw', 'bare', "
                     + "?, ?, 'legacy-key', 0, 0, FALSE, '{}', 1, 1)")) {
            s.setString(1, ID);
            s.setLong(2, data.length);
            s.setString(3, MultistoreContract.hex("MD5", data));
            s.executeUpdate();
        }

        try (TestServer single = new TestServer(dir.resolve("ferry"), url, Map.of("store.file.root", images.toString()),
                Clock.systemUTC())) {
            TestServer.Reply file = single.get("/v2/images/" + ID + "/file");
            assertThat(file.status()).isEqualTo(200);
            assertThat(file.header("Content-MD5")).isEqualTo(MultistoreContract.hex("MD5", data));
            assertThat(single.get("/v2/images/" + ID).json().has("stores")).isFalse();
        }

        Path cold = dir.resolve("cold");
        try (TestServer multi = new TestServer(dir.resolve("ferry"), url, Map.of("stores.enabled", "fast:file, cold:file",
                "stores.default", "fast", "stores.fast.file.root", images.toString(),
                "stores.cold.file.root", cold.toString(), "import.methods", "copy-image"), Clock.systemUTC())) {
            assertThat(multi.get("/v2/images/" + ID).json().get("stores").asString()).isEqualTo("fast");
            assertThat(multi.postJson("/v2/images/" + ID + "/import",
                    "{\"method\": {\"name\": \"copy-image\"}, \"stores\": [\"fast\"]}").status()).isEqualTo(400);
            assertThat(multi.postJson("/v2/images/" + ID + "/import",
                    "{\"method\": {\"name\": \"copy-image\"}, \"stores\": [\"cold\"]}").status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    multi.get("/v2/images/" + ID).json().path("stores").asString().equals("fast,cold"));
            assertThat(multi.send("DELETE", "/v2/stores/fast/" + ID, null).status()).isEqualTo(204);
            assertThat(images.resolve("legacy-key")).doesNotExist();
            assertThat(multi.get("/v2/images/" + ID).json().get("stores").asString()).isEqualTo("cold");
            TestServer.Reply file = multi.get("/v2/images/" + ID + "/file");
            assertThat(file.status()).isEqualTo(200);
            assertThat(file.header("Content-MD5")).isEqualTo(MultistoreContract.hex("MD5", data));
        }
    }
}
