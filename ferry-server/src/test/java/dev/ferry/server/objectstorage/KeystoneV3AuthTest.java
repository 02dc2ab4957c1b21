package dev.ferry.server.objectstorage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keystone v3 password authentication against a loopback server answering as Keystone does, to
 * cover the answers a real Keystone will not give (a missing catalog entry, an oversized body).
 * The real Keystone is exercised by {@code it.KeystoneSwiftIT}.
 */
class KeystoneV3AuthTest {

    private HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicReference<JsonNode> lastRequest = new AtomicReference<>();
    private volatile String expiresAt = Instant.now().plus(Duration.ofHours(1)).toString();
    private volatile String catalog = """
            [{"type": "image", "endpoints": [{"interface": "public", "url": "http://127.0.0.1:9/image"}]},
             {"type": "object-store", "endpoints": [
                {"interface": "internal", "url": "http://127.0.0.1:2/v1/KEY_p1"},
                {"interface": "public", "url": "http://127.0.0.1:1/v1/KEY_p1"}]}]""";
    private volatile int bodyPadding;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v3/auth/tokens", ex -> {
            try (ex) {
                int n = calls.incrementAndGet();
                JsonNode req = JsonMapper.builder().build().readTree(ex.getRequestBody().readAllBytes());
                lastRequest.set(req);
                if (!"sekrit".equals(req.at("/auth/identity/password/user/password").asString(""))) {
                    ex.sendResponseHeaders(401, -1);
                    return;
                }
                byte[] body = ("{\"token\": {\"expires_at\": \"" + expiresAt + "\", \"catalog\": " + catalog
                        + ", \"pad\": \"" + "x".repeat(bodyPadding) + "\"}}").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("X-Subject-Token", "gAAAA" + n);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(201, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private KeystoneV3Auth auth(String password, String iface) {
        return new KeystoneV3Auth(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v3"), "Default",
                "service", "Default", "ferry", password, iface, Duration.ofSeconds(5));
    }

    @Test
    void scopesToTheProjectAndTakesTheObjectStoreEndpointOfTheInterface() throws IOException {
        KeystoneV3Auth auth = auth("sekrit", "public");
        SwiftSession first = auth.session();
        assertThat(first.token()).isEqualTo("gAAAA1");
        assertThat(first.storageUrl()).hasToString("http://127.0.0.1:1/v1/KEY_p1");
        assertThat(lastRequest.get().at("/auth/scope/project/name").asString()).isEqualTo("service");
        assertThat(lastRequest.get().at("/auth/identity/password/user/name").asString()).isEqualTo("ferry");
        assertThat(lastRequest.get().at("/auth/scope/project/domain/name").asString()).isEqualTo("Default");
        assertThat(lastRequest.get().at("/auth/identity/password/user/domain/name").asString()).isEqualTo("Default");
        assertThat(auth.session()).isSameAs(first);
        auth.invalidate(first);
        assertThat(auth.session().token()).isEqualTo("gAAAA2");
        assertThat(auth.toString()).doesNotContain("sekrit");

        assertThat(auth("sekrit", "internal").session().storageUrl()).hasToString("http://127.0.0.1:2/v1/KEY_p1");
    }

    @Test
    void namesTheConfiguredDomainsOfTheUserAndTheProject() throws IOException {
        new KeystoneV3Auth(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v3"), "projects",
                "service", "people", "ferry", "sekrit", "public", Duration.ofSeconds(5)).session();
        assertThat(lastRequest.get().at("/auth/scope/project/domain/name").asString()).isEqualTo("projects");
        assertThat(lastRequest.get().at("/auth/identity/password/user/domain/name").asString()).isEqualTo("people");
    }

    @Test
    void anExpiredTokenIsReplacedBeforeUse() throws IOException {
        expiresAt = Instant.now().minusSeconds(1).toString();
        KeystoneV3Auth auth = auth("sekrit", "public");
        assertThat(auth.session().token()).isEqualTo("gAAAA1");
        assertThat(auth.session().token()).isEqualTo("gAAAA2");
    }

    @Test
    void wrongPasswordIsRefusedWithTheUserAndProjectNamed() {
        assertThatThrownBy(() -> auth("wrong", "public").session()).isInstanceOf(SwiftException.class)
                .hasMessageContaining("user ferry in project service").hasMessageContaining("HTTP 401")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void aCatalogWithoutObjectStoreIsAClearError() {
        catalog = "[{\"type\": \"image\", \"endpoints\": []}]";
        assertThatThrownBy(() -> auth("sekrit", "public").session()).isInstanceOf(SwiftException.class)
                .hasMessage("Keystone's catalog for project service has no public object-store endpoint");
    }

    @Test
    void twoMatchingEndpointsAreAmbiguous() {
        catalog = """
                [{"type": "object-store", "endpoints": [
                   {"interface": "public", "url": "http://127.0.0.1:1/v1/KEY_p1"},
                   {"interface": "public", "url": "http://127.0.0.1:3/v1/KEY_p1"}]}]""";
        assertThatThrownBy(() -> auth("sekrit", "public").session()).isInstanceOf(SwiftException.class)
                .hasMessageContaining("more than one public object-store endpoint");
    }

    @Test
    void anOversizedOrUnusableAnswerIsRefused() {
        bodyPadding = KeystoneV3Auth.MAX_RESPONSE_BYTES;
        assertThatThrownBy(() -> auth("sekrit", "public").session()).isInstanceOf(SwiftException.class)
                .hasMessageContaining("larger than");
        bodyPadding = 0;
        catalog = "[{\"type\": \"object-store\", \"endpoints\": [{\"interface\": \"public\", \"url\": \"file:///etc\"}]}]";
        assertThatThrownBy(() -> auth("sekrit", "public").session()).isInstanceOf(SwiftException.class)
                .hasMessageContaining("unusable");
        catalog = "[]";
        expiresAt = "yesterday";
        assertThatThrownBy(() -> auth("sekrit", "public").session()).isInstanceOf(SwiftException.class)
                .hasMessageContaining("no public object-store");
    }
}
