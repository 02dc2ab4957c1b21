package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Glance's metadata definitions catalog ({@code /v2/metadefs}) and its schemas, driven over HTTP
 * against a real server, with the status codes and shapes Glance 25 answers. Each subclass runs it
 * on one database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MetadefsApiContract {

    TestServer server;

    abstract String databaseUrl(Path dir);

    @BeforeAll
    void start(@TempDir Path dir) {
        server = new TestServer(dir, databaseUrl(dir), Map.of(), Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String[] as(String project, String roles) {
        return new String[] {"X-Tenant-Id", project, "X-User-Id", "user-" + project, "X-Roles", roles};
    }

    static String project() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    // --- schemas

    @Test
    void everyMetadefsSchemaIsServedWithGlancesName() throws Exception {
        Map<String, String> names = Map.of("namespace", "namespace", "namespaces", "namespaces",
                "object", "object", "objects", "objects", "property", "property", "properties", "properties",
                "resource_type", "resource_type_association", "resource_types", "resource_type_associations",
                "tag", "tag", "tags", "tags");
        for (Map.Entry<String, String> e : names.entrySet()) {
            Reply r = server.get("/v2/schemas/metadefs/" + e.getKey());
            assertThat(r.status()).as(e.getKey()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.json().get("name").asString()).as(e.getKey()).isEqualTo(e.getValue());
            try (var in = getClass().getClassLoader().getResourceAsStream("schemas/metadefs/" + e.getKey() + ".json")) {
                assertThat(r.json()).isEqualTo(TestServer.JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
        // the namespace schema describes what a namespace document holds
        JsonNode ns = server.get("/v2/schemas/metadefs/namespace").json();
        assertThat(ns.get("required").toString()).contains("namespace");
        assertThat(ns.get("properties").has("resource_type_associations")).isTrue();
        assertThat(server.get("/v2/schemas/metadefs/nothing").status()).isEqualTo(404);
        assertThat(server.send("POST", "/v2/schemas/metadefs/tag", "{}").status()).isEqualTo(405);
    }
}
