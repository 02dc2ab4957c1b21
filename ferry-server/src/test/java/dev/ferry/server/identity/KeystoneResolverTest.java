package dev.ferry.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.server.MutableClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resolver against a small stand-in for Keystone's two token calls (the real Keystone is in
 * {@code KeystoneIT}); the clock is injected, so cache expiry is tested without waiting.
 */
class KeystoneResolverTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    HttpServer keystone;
    MutableClock clock = new MutableClock(T0);
    AtomicInteger validations = new AtomicInteger();
    AtomicInteger serviceLogins = new AtomicInteger();
    /** user token → the "token" JSON Keystone returns for it; absent → 404. */
    Map<String, String> tokens = new ConcurrentHashMap<>();
    volatile String serviceToken = "svc-1";
    volatile boolean serviceTokenRejected;

    @BeforeEach
    void start() throws IOException {
        keystone = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        keystone.createContext("/v3/auth/tokens", this::handle);
        keystone.start();
    }

    @AfterEach
    void stop() {
        keystone.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (ex.getRequestMethod().equals("POST")) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                if (!body.contains("\"name\":\"ferry\"") || !body.contains("\"password\":\"secret\"")
                        || !body.contains("\"name\":\"service\"")) {
                    ex.sendResponseHeaders(401, -1);
                    return;
                }
                serviceLogins.incrementAndGet();
                serviceTokenRejected = false;
                ex.getResponseHeaders().add("X-Subject-Token", serviceToken);
                reply(ex, 201, "{\"token\": {\"expires_at\": \"" + T0.plusSeconds(3600) + "\"}}");
                return;
            }
            validations.incrementAndGet();
            String service = ex.getRequestHeaders().getFirst("X-Auth-Token");
            if (serviceTokenRejected || !serviceToken.equals(service)) {
                ex.sendResponseHeaders(401, -1);
                return;
            }
            String subject = ex.getRequestHeaders().getFirst("X-Subject-Token");
            String token = subject == null ? null : tokens.get(subject);
            if (token == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            reply(ex, 200, "{\"token\": " + token + "}");
        }
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private static String token(String project, String user, Instant expires, String... roles) {
        StringBuilder r = new StringBuilder();
        for (String role : roles) {
            r.append(r.isEmpty() ? "" : ",").append("{\"id\": \"x\", \"name\": \"").append(role).append("\"}");
        }
        return "{\"expires_at\": \"" + expires + "\", \"project\": {\"id\": \"" + project + "\"}, \"user\": {\"id\": \""
                + user + "\"}, \"roles\": [" + r + "]}";
    }

    private KeystoneResolver resolver(Duration ttl) {
        KeystoneResolver.Settings s = new KeystoneResolver.Settings("http://127.0.0.1:" + keystone.getAddress().getPort()
                + "/v3/", "ferry", "secret", "service", "Default", "Default", Duration.ofSeconds(5));
        return KeystoneResolver.create(s, clock, new TokenCache(clock, ttl, 100));
    }

    private static Identity resolve(KeystoneResolver r, String token) {
        return r.resolve(name -> name.equalsIgnoreCase("X-Auth-Token") ? Optional.ofNullable(token) : Optional.empty());
    }

    @Test
    void aValidTokenGivesItsProjectUserAndRolesAndIsCachedForTheTtl() {
        tokens.put("tok-a", token("p1", "ann", T0.plusSeconds(3600), "member", "reader"));
        KeystoneResolver r = resolver(Duration.ofSeconds(300));
        Identity ann = resolve(r, "tok-a");
        assertThat(ann.projectId()).isEqualTo("p1");
        assertThat(ann.userId()).isEqualTo("ann");
        assertThat(ann.roles()).containsExactlyInAnyOrder("member", "reader");
        assertThat(resolve(r, "tok-a")).isEqualTo(ann);
        assertThat(validations).hasValue(1);
        assertThat(serviceLogins).hasValue(1);

        clock.advance(Duration.ofSeconds(300));
        tokens.remove("tok-a"); // revoked meanwhile: seen once the cache entry has expired
        assertThatThrownBy(() -> resolve(r, "tok-a")).isInstanceOf(UnauthenticatedException.class);
        assertThat(validations).hasValue(2);
    }

    @Test
    void missingUnknownMalformedAndUnscopedTokensAre401() {
        tokens.put("unscoped", "{\"expires_at\": \"" + T0.plusSeconds(60) + "\", \"user\": {\"id\": \"u\"}, \"roles\": []}");
        KeystoneResolver r = resolver(Duration.ofSeconds(300));
        assertThatThrownBy(() -> resolve(r, null)).isInstanceOf(UnauthenticatedException.class);
        assertThatThrownBy(() -> resolve(r, "  ")).isInstanceOf(UnauthenticatedException.class);
        assertThatThrownBy(() -> resolve(r, "nope")).isInstanceOf(UnauthenticatedException.class);
        assertThatThrownBy(() -> resolve(r, "x".repeat(10_000))).isInstanceOf(UnauthenticatedException.class);
        assertThatThrownBy(() -> resolve(r, "bad\u0001token")).isInstanceOf(UnauthenticatedException.class);
        assertThatThrownBy(() -> resolve(r, "unscoped")).isInstanceOf(UnauthenticatedException.class)
                .hasMessageContaining("project");
        assertThat(validations).hasValue(2); // the malformed ones never reached Keystone
        assertThat(r.challenge()).startsWith("Keystone uri=\"http://127.0.0.1:");
    }

    @Test
    void aCacheEntryEndsWhenTheTokenExpires() {
        tokens.put("short", token("p1", "ann", T0.plusSeconds(30), "member"));
        KeystoneResolver r = resolver(Duration.ofSeconds(300));
        resolve(r, "short");
        clock.advance(Duration.ofSeconds(30));
        // Keystone itself would now say 404; the stand-in still answers, so Ferry's own expiry check speaks
        assertThatThrownBy(() -> resolve(r, "short")).isInstanceOf(UnauthenticatedException.class)
                .hasMessageContaining("expired");
        assertThat(validations).hasValue(2);
    }

    @Test
    void keystoneDownFailsClosedForNewTokensWhileCachedTokensStillWork() {
        tokens.put("seen", token("p1", "ann", T0.plusSeconds(3600), "member"));
        tokens.put("unseen", token("p1", "ann", T0.plusSeconds(3600), "member"));
        KeystoneResolver r = resolver(Duration.ofSeconds(300));
        resolve(r, "seen");
        keystone.stop(0);
        assertThatThrownBy(() -> resolve(r, "unseen")).isInstanceOf(IdentityUnavailableException.class);
        assertThat(resolve(r, "seen").userId()).isEqualTo("ann");
        clock.advance(Duration.ofSeconds(300));
        assertThatThrownBy(() -> resolve(r, "seen")).isInstanceOf(IdentityUnavailableException.class);
    }

    @Test
    void anExpiredOrRevokedServiceTokenIsRenewedOnce() {
        tokens.put("tok", token("p1", "ann", T0.plusSeconds(3600), "member"));
        KeystoneResolver r = resolver(Duration.ZERO);
        resolve(r, "tok");
        serviceToken = "svc-2"; // Keystone no longer accepts svc-1
        assertThat(resolve(r, "tok").userId()).isEqualTo("ann");
        assertThat(serviceLogins).hasValue(2);
        // renewed ahead of its expiry as well
        clock.advance(Duration.ofSeconds(3550));
        resolve(r, "tok");
        assertThat(serviceLogins).hasValue(3);
    }

    @Test
    void aServiceUserKeystoneRejectsIs503NotAPass() {
        tokens.put("tok", token("p1", "ann", T0.plusSeconds(3600), "member"));
        KeystoneResolver.Settings s = new KeystoneResolver.Settings("http://127.0.0.1:" + keystone.getAddress().getPort()
                + "/v3", "ferry", "wrong", "service", "Default", "Default", Duration.ofSeconds(5));
        KeystoneResolver r = KeystoneResolver.create(s, clock, new TokenCache(clock, Duration.ofSeconds(300), 10));
        assertThatThrownBy(() -> resolve(r, "tok")).isInstanceOf(IdentityUnavailableException.class)
                .hasMessageContaining("keystone.user");
    }
}
