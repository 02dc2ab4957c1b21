package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.server.TestDatabases;
import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** identity.type=keystone with Keystone on a dead port: the API fails closed (KeystoneIT has the real one). */
class KeystoneUnreachableTest {

    @TempDir
    Path dir;

    @Test
    void noTokenIs401WithAChallengeAndAnyTokenIs503NeverAPass() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + dead + "/v3";
        try (TestServer s = new TestServer(dir, TestDatabases.h2(dir), Map.of("identity.type", "keystone",
                "keystone.url", url, "keystone.user", "ferry", "keystone.password", "pw", "keystone.project", "service",
                "keystone.timeout_seconds", "2"), Clock.systemUTC())) {
            Reply none = s.get("/v2/tasks", "X-Roles", "admin", "X-Project-Id", "p1");
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.header("WWW-Authenticate")).isEqualTo("Keystone uri=\"" + url + "\"");
            Reply down = s.get("/v2/tasks", "X-Auth-Token", "some-token");
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.json().get("code").asString()).isEqualTo("503 Service Unavailable");
            assertThat(down.header("WWW-Authenticate")).isNull();
        }
    }
}
