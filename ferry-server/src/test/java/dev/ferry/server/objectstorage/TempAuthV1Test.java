package dev.ferry.server.objectstorage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Auth v1.0 against a loopback server playing tempauth. */
class TempAuthV1Test {

    private HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile String expires = "86400";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/auth/v1.0", ex -> {
            try (ex) {
                int n = calls.incrementAndGet();
                if (!"sekrit".equals(ex.getRequestHeaders().getFirst("X-Auth-Key"))
                        || !"acct:op".equals(ex.getRequestHeaders().getFirst("X-Auth-User"))) {
                    ex.sendResponseHeaders(401, -1);
                    return;
                }
                ex.getResponseHeaders().add("X-Auth-Token", "AUTH_tk" + n);
                ex.getResponseHeaders().add("X-Auth-Token-Expires", expires);
                ex.getResponseHeaders().add("X-Storage-Url", "http://127.0.0.1:1/v1/AUTH_acct");
                ex.sendResponseHeaders(204, -1);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private TempAuthV1 auth(String key) {
        return new TempAuthV1(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/auth/v1.0"), "acct:op",
                key, Duration.ofSeconds(5));
    }

    @Test
    void keepsTheSessionUntilInvalidated() throws IOException {
        TempAuthV1 auth = auth("sekrit");
        SwiftSession first = auth.session();
        assertThat(first.token()).isEqualTo("AUTH_tk1");
        assertThat(first.storageUrl()).hasToString("http://127.0.0.1:1/v1/AUTH_acct");
        assertThat(auth.session()).isSameAs(first);
        auth.invalidate(first);
        assertThat(auth.session().token()).isEqualTo("AUTH_tk2");
        assertThat(first.toString()).doesNotContain("AUTH_tk");
    }

    @Test
    void aTokenAboutToExpireIsRenewedBeforeUse() throws IOException {
        expires = "0";
        TempAuthV1 auth = auth("sekrit");
        assertThat(auth.session().token()).isEqualTo("AUTH_tk1");
        assertThat(auth.session().token()).isEqualTo("AUTH_tk2");
        assertThat(TempAuthV1.renewAfter("86400")).isEqualTo(Duration.ofSeconds(86100));
        assertThat(TempAuthV1.renewAfter("60")).isEqualTo(Duration.ofSeconds(30));
        assertThat(TempAuthV1.renewAfter("junk")).isGreaterThan(Duration.ofDays(365));
    }

    @Test
    void wrongCredentialsAreAnAuthenticationFailure() {
        assertThatThrownBy(() -> auth("wrong").session()).isInstanceOf(SwiftException.class)
                .hasMessageContaining("Swift authentication failed for user acct:op").hasMessageContaining("HTTP 401")
                .satisfies(e -> assertThat(((SwiftException) e).status()).isEqualTo(401));
    }

    @Test
    void nothingListeningIsAConnectionError() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        TempAuthV1 auth = new TempAuthV1(URI.create("http://127.0.0.1:" + port + "/auth/v1.0"), "a", "b", Duration.ofSeconds(2));
        assertThatThrownBy(auth::session).isInstanceOf(SwiftException.class).hasMessageContaining("cannot connect");
    }
}
