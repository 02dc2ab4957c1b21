package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code com.rackspace...} image properties (e.g. the licensing marker that blocks exports) are
 * the operator's: only an admin may set, change or remove them; other properties stay the owner's.
 */
class ProtectedPropertiesTest {

    static final String PATCH = "application/openstack-images-v2.1-json-patch";

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(dir, "jdbc:h2:mem:protprops;DB_CLOSE_DELAY=-1", Map.of(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String[] member(String... more) {
        String[] h = {"X-Tenant-Id", "p1", "X-Roles", "member"};
        String[] all = java.util.Arrays.copyOf(h, h.length + more.length);
        System.arraycopy(more, 0, all, h.length, more.length);
        return all;
    }

    static String[] admin(String... more) {
        String[] h = {"X-Tenant-Id", "p1", "X-Roles", "admin"};
        String[] all = java.util.Arrays.copyOf(h, h.length + more.length);
        System.arraycopy(more, 0, all, h.length, more.length);
        return all;
    }

    @Test
    void onlyAnAdminTouchesComRackspaceProperties() {
        Reply refused = server.postJson("/v2/images", "{\"name\": \"w\", \"com.rackspace__1__options\": \"0\"}", member());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.message()).isEqualTo("Property 'com.rackspace__1__options' is protected");

        Reply created = server.postJson("/v2/images", "{\"name\": \"w\", \"com.rackspace__1__options\": \"1\"}", admin());
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asString();

        Reply remove = server.send("PATCH", "/v2/images/" + id,
                "[{\"op\": \"remove\", \"path\": \"/com.rackspace__1__options\"}]", member("Content-Type", PATCH));
        assertThat(remove.status()).isEqualTo(403);
        Reply change = server.send("PATCH", "/v2/images/" + id,
                "[{\"op\": \"replace\", \"path\": \"/com.rackspace__1__options\", \"value\": \"0\"}]",
                member("Content-Type", PATCH));
        assertThat(change.status()).isEqualTo(403);
        Reply other = server.send("PATCH", "/v2/images/" + id,
                "[{\"op\": \"add\", \"path\": \"/os_distro\", \"value\": \"ubuntu\"}]", member("Content-Type", PATCH));
        assertThat(other.status()).as(other.raw().body()).isEqualTo(200);
        assertThat(other.json().get("com.rackspace__1__options").asString()).isEqualTo("1");

        Reply byAdmin = server.send("PATCH", "/v2/images/" + id,
                "[{\"op\": \"remove\", \"path\": \"/com.rackspace__1__options\"}]", admin("Content-Type", PATCH));
        assertThat(byAdmin.status()).isEqualTo(200);
        assertThat(byAdmin.json().has("com.rackspace__1__options")).isFalse();
    }
}
