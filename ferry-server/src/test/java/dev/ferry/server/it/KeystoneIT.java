package dev.ferry.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.server.MutableClock;
import dev.ferry.server.TestDatabases;
import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import dev.ferry.server.it.KeystoneFixture.Token;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Ferry with {@code identity.type=keystone} against the real Keystone of tools/keystone.sh
 * (users: admin, demo-member, demo-reader, alt-member; Ferry's service user ferry).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeystoneIT {

    static final String BODY = "{\"type\": \"import\", \"input\": {\"import_from\": \"http://images.example.com/a.raw\","
            + " \"import_from_format\": \"raw\", \"image_properties\": {}}}";

    @TempDir
    Path dir;

    @BeforeAll
    static void keystone() {
        KeystoneFixture.require();
    }

    static Map<String, String> config(String... more) {
        Map<String, String> c = new HashMap<>(Map.of("identity.type", "keystone", "keystone.url", KeystoneFixture.URL,
                "keystone.user", "ferry", "keystone.password", "ferry-service", "keystone.project", "service"));
        for (int i = 0; i < more.length; i += 2) {
            c.put(more[i], more[i + 1]);
        }
        return c;
    }

    TestServer ferry(Clock clock, String... more) {
        return new TestServer(dir, TestDatabases.h2(dir), config(more), clock);
    }

    static Token member() {
        return KeystoneFixture.token("demo-member", "demo", "demo");
    }

    @Test
    @Order(1)
    void aValidTokenActsAsItsProjectAndUser() {
        Token ann = member();
        try (TestServer s = ferry(Clock.systemUTC(), "tasks.access", "member")) {
            Reply created = s.postJson("/v2/tasks", BODY, "X-Auth-Token", ann.id());
            assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
            assertThat(created.json().get("owner").asString()).isEqualTo(ann.projectId());
            assertThat(created.json().get("user_id").asString()).isEqualTo(ann.userId());
            String id = created.json().get("id").asString();
            assertThat(s.get("/v2/tasks/" + id, "X-Auth-Token", ann.id()).status()).isEqualTo(200);
            // Keystone's admin role implies member and reader; admins see every project's tasks
            Token admin = KeystoneFixture.token("admin", "admin", "admin");
            assertThat(s.get("/v2/tasks/" + id, "X-Auth-Token", admin.id()).status()).isEqualTo(200);
        }
    }

    @Test
    @Order(2)
    void missingOrUnknownTokensAre401WithAKeystoneChallenge() {
        try (TestServer s = ferry(Clock.systemUTC())) {
            for (Reply r : new Reply[] {s.get("/v2/tasks"), s.get("/v2/tasks", "X-Auth-Token", "gAAAAAB-not-a-token"),
                    s.get("/v2/tasks", "X-Project-Id", "demo", "X-Roles", "admin")}) {
                assertThat(r.status()).isEqualTo(401);
                assertThat(r.header("WWW-Authenticate")).isEqualTo("Keystone uri=\"" + KeystoneFixture.URL + "\"");
                assertThat(r.json().get("code").asString()).isEqualTo("401 Unauthorized");
            }
        }
    }

    @Test
    @Order(3)
    void aRevokedTokenIs401OnceNoCacheEntryVouchesForIt() {
        MutableClock clock = new MutableClock(Instant.now());
        Token seen = member();
        Token unseen = member();
        try (TestServer s = ferry(clock, "tasks.access", "member")) {
            assertThat(s.get("/v2/tasks", "X-Auth-Token", seen.id()).status()).isEqualTo(200);
            KeystoneFixture.revoke(unseen.id());
            KeystoneFixture.revoke(seen.id());
            assertThat(s.get("/v2/tasks", "X-Auth-Token", unseen.id()).status()).isEqualTo(401);
            // like keystonemiddleware: a cached validation stands until its entry expires (keystone.cache_seconds)
            assertThat(s.get("/v2/tasks", "X-Auth-Token", seen.id()).status()).isEqualTo(200);
            clock.advance(Duration.ofSeconds(300));
            assertThat(s.get("/v2/tasks", "X-Auth-Token", seen.id()).status()).isEqualTo(401);
        }
    }

    /**
     * Keystone issues tokens for an hour ([token] expiration = 3600 in tools/keystone.sh), so the
     * expiry is reached by moving Ferry's clock: the cache entry ends at the token's expires_at and
     * Ferry refuses a token past it even though Keystone (on real time) still calls it valid.
     */
    @Test
    @Order(4)
    void aTokenPastItsExpiryIs401() {
        Token ann = member(); // before the clock: a slow Keystone must not move expires_at past the advance
        MutableClock clock = new MutableClock(Instant.now());
        try (TestServer s = ferry(clock, "tasks.access", "member", "keystone.cache_seconds", "86400")) {
            assertThat(s.get("/v2/tasks", "X-Auth-Token", ann.id()).status()).isEqualTo(200);
            clock.advance(Duration.ofSeconds(3601));
            Reply expired = s.get("/v2/tasks", "X-Auth-Token", ann.id());
            assertThat(expired.status()).isEqualTo(401);
            assertThat(expired.message()).contains("expired");
        }
    }

    @Test
    @Order(5)
    void anotherProjectsTaskIsNotFound() {
        Token ann = member();
        Token alt = KeystoneFixture.token("alt-member", "alt", "alt");
        try (TestServer s = ferry(Clock.systemUTC(), "tasks.access", "member")) {
            String id = s.postJson("/v2/tasks", BODY, "X-Auth-Token", ann.id()).json().get("id").asString();
            assertThat(s.get("/v2/tasks/" + id, "X-Auth-Token", alt.id()).status()).isEqualTo(404);
            assertThat(s.get("/v2/tasks", "X-Auth-Token", alt.id()).json().get("tasks")).isEmpty();
            assertThat(s.get("/v2/tasks", "X-Auth-Token", ann.id()).json().get("tasks")).hasSize(1);
        }
    }

    @Test
    @Order(6)
    void theTasksApiNeedsTheRoleThePolicyNames() {
        Token ann = member();
        Token reader = KeystoneFixture.token("demo-reader", "demo", "demo");
        Token admin = KeystoneFixture.token("admin", "admin", "admin");
        try (TestServer s = ferry(Clock.systemUTC())) { // Glance's default: tasks_api_access is admin-only
            Reply denied = s.get("/v2/tasks", "X-Auth-Token", ann.id());
            assertThat(denied.status()).isEqualTo(403);
            assertThat(denied.message()).isEqualTo("You are not authorized to complete tasks_api_access action.");
            assertThat(s.postJson("/v2/tasks", BODY, "X-Auth-Token", ann.id()).status()).isEqualTo(403);
            assertThat(s.get("/v2/tasks", "X-Auth-Token", admin.id()).status()).isEqualTo(200);
        }
        try (TestServer s = ferry(Clock.systemUTC(), "tasks.access", "member")) {
            assertThat(s.get("/v2/tasks", "X-Auth-Token", ann.id()).status()).isEqualTo(200);
            assertThat(s.get("/v2/tasks", "X-Auth-Token", reader.id()).status()).isEqualTo(403);
        }
    }

    @Test
    @Order(7)
    void aTaskRunsWithTheStoredIdentityAfterItsTokenIsRevoked() throws Exception {
        byte[] disk = new byte[2 * 1024 * 1024];
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        HttpServer data = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        data.createContext("/disk.raw", ex -> {
            ex.sendResponseHeaders(200, disk.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(disk, 0, disk.length / 2);
                out.flush();
                started.countDown();
                release.await(60, TimeUnit.SECONDS);
                out.write(disk, disk.length / 2, disk.length / 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        data.start();
        Token ann = member();
        Token admin = KeystoneFixture.token("admin", "admin", "admin");
        try (TestServer s = ferry(Clock.systemUTC(), "tasks.access", "member", "url.allowed_hosts", "127.0.0.1",
                "url.allowed_ports", String.valueOf(data.getAddress().getPort()))) {
            String body = "{\"type\": \"import\", \"input\": {\"import_from\": \"http://127.0.0.1:"
                    + data.getAddress().getPort() + "/disk.raw\", \"import_from_format\": \"raw\", \"image_properties\": "
                    + "{\"name\": \"mid-task\", \"disk_format\": \"raw\", \"container_format\": \"bare\"}}}";
            Reply created = s.postJson("/v2/tasks", body, "X-Auth-Token", ann.id());
            assertThat(created.status()).isEqualTo(201);
            String id = created.json().get("id").asString();
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            KeystoneFixture.revoke(ann.id()); // the user's token dies while the download is half done
            release.countDown();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                String st = s.get("/v2/tasks/" + id, "X-Auth-Token", admin.id()).json().get("status").asString();
                return st.equals("success") || st.equals("failure");
            });
            JsonNode task = s.get("/v2/tasks/" + id, "X-Auth-Token", admin.id()).json();
            assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
            String imageId = task.get("result").get("image_id").asString();
            JsonNode image = s.get("/v2/images/" + imageId, "X-Auth-Token", admin.id()).json();
            assertThat(image.get("owner").asString()).isEqualTo(ann.projectId());
        } finally {
            data.stop(0);
        }
    }

    /** python-glanceclient finds Ferry through Keystone's catalog, as tempest and users do. */
    @Test
    @Order(8)
    void theGlanceCliAuthenticatesWithKeystoneAndFindsFerryInTheCatalog() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/glance")),
                "the glance CLI (python3-glanceclient) is not installed");
        try (TestServer s = ferry(Clock.systemUTC())) {
            assertThat(KeystoneFixture.script("start", Map.of("FERRY_IMAGE_URL", s.base()))).isTrue();
            Token admin = KeystoneFixture.token("admin", "admin", "admin");
            String id = s.postJson("/v2/tasks", BODY, "X-Auth-Token", admin.id()).json().get("id").asString();
            String[] adminLogin = {"OS_USERNAME=admin", "OS_PASSWORD=admin", "OS_PROJECT_NAME=admin"};
            String listed = glance(adminLogin, "task-list");
            assertThat(listed).contains(id).contains(admin.projectId());
            String denied = glance(new String[] {"OS_USERNAME=demo-member", "OS_PASSWORD=demo", "OS_PROJECT_NAME=demo"},
                    "task-list");
            assertThat(denied).contains("403").contains("tasks_api_access");
        }
    }

    private static String glance(String[] login, String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("glance"));
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = b.environment();
        env.keySet().removeIf(k -> k.startsWith("OS_"));
        env.putAll(Map.of("OS_AUTH_URL", KeystoneFixture.URL, "OS_USER_DOMAIN_NAME", "Default",
                "OS_PROJECT_DOMAIN_NAME", "Default", "OS_IMAGE_API_VERSION", "2", "OS_INTERFACE", "public"));
        for (String kv : login) {
            env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** Last: it stops Keystone, and starts it again. */
    @Test
    @Order(100)
    void keystoneDownIs503ForNewTokensWhileCachedOnesLastTheirTtl() {
        MutableClock clock = new MutableClock(Instant.now());
        Token seen = member();
        Token unseen = member();
        try (TestServer s = ferry(clock, "tasks.access", "member", "keystone.timeout_seconds", "3")) {
            assertThat(s.get("/v2/tasks", "X-Auth-Token", seen.id()).status()).isEqualTo(200);
            assertThat(KeystoneFixture.script("stop")).isTrue();
            assertThat(KeystoneFixture.answers()).isFalse();
            Reply down = s.get("/v2/tasks", "X-Auth-Token", unseen.id());
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.json().get("code").asString()).isEqualTo("503 Service Unavailable");
            assertThat(s.get("/v2/tasks", "X-Auth-Token", seen.id()).status()).isEqualTo(200);
            clock.advance(Duration.ofSeconds(299));
            assertThat(s.get("/v2/tasks", "X-Auth-Token", seen.id()).status()).isEqualTo(200);
            clock.advance(Duration.ofSeconds(1));
            assertThat(s.get("/v2/tasks", "X-Auth-Token", seen.id()).status()).isEqualTo(503);
        } finally {
            KeystoneFixture.script("start");
        }
    }
}
