package dev.ferry.server.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.server.objectstorage.FixedSwiftAuth;
import dev.ferry.server.objectstorage.SwiftAuth;
import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftSession;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link SwiftSource} against a loopback server playing Swift: names, encoding, re-authentication, timeouts. */
class SwiftSourceTest {

    private HttpServer server;
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final List<String> tokens = new CopyOnWriteArrayList<>();
    private final AtomicInteger sessions = new AtomicInteger();
    private volatile boolean stall;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getRawPath());
            String token = exchange.getRequestHeaders().getFirst("X-Auth-Token");
            tokens.add(token);
            try (exchange) {
                if (stall) {
                    Thread.sleep(3000);
                }
                if (exchange.getRequestURI().getRawPath().endsWith("/huge")) {
                    sendHuge(exchange);
                    return;
                }
                if ("tk-1".equals(token)) {
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                byte[] body = "image bytes".getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    private static final long HUGE = 1L << 30;
    private final java.util.concurrent.atomic.AtomicLong hugeSent = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.CountDownLatch hugeDone = new java.util.concurrent.CountDownLatch(1);

    private void sendHuge(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        try {
            exchange.sendResponseHeaders(200, HUGE);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                while (hugeSent.get() < HUGE) {
                    out.write(chunk);
                    hugeSent.addAndGet(chunk.length);
                }
            }
        } catch (IOException e) {
            // the client went away: what we want
        } finally {
            hugeDone.countDown();
        }
    }

    @Test
    void closingEarlyAbortsInsteadOfReadingTheRest() throws Exception {
        try (OpenedStream in = source(Duration.ofSeconds(5)).open("proj42", "big", "huge")) {
            assertThat(in.contentLength()).isEqualTo(HUGE);
            assertThat(in.body().readNBytes(10)).hasSize(10);
        }
        assertThat(hugeDone.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(hugeSent.get()).as("bytes the server could send before the client hung up").isLessThan(HUGE / 4);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private SwiftSource source(Duration readTimeout) {
        URI storage = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/AUTH_operator");
        SwiftAuth auth = new SwiftAuth() {
            private SwiftSession current;

            @Override
            public synchronized SwiftSession session() {
                if (current == null) {
                    current = new SwiftSession("tk-" + sessions.incrementAndGet(), storage);
                }
                return current;
            }

            @Override
            public synchronized void invalidate(SwiftSession stale) {
                if (current == stale) {
                    current = null;
                }
            }
        };
        return new SwiftSource(new SwiftClient(auth, Duration.ofSeconds(2), readTimeout), "AUTH_", 1L << 40);
    }

    @Test
    void readsFromTheProjectsAccountWithEncodedNamesAndReauthenticatesOnce() throws IOException {
        try (OpenedStream in = source(Duration.ofSeconds(5)).open("proj42", "my exports", "dir/ü a?#%.vhd")) {
            assertThat(new String(in.body().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("image bytes");
            assertThat(in.contentLength()).isEqualTo(11);
        }
        assertThat(paths).containsExactly("/v1/AUTH_proj42/my%20exports/dir/%C3%BC%20a%3F%23%25.vhd",
                "/v1/AUTH_proj42/my%20exports/dir/%C3%BC%20a%3F%23%25.vhd");
        assertThat(tokens).containsExactly("tk-1", "tk-2"); // the 401 made it authenticate again
    }

    @Test
    void aStalledServerIsAReadTimeout() {
        stall = true;
        assertThatThrownBy(() -> source(Duration.ofMillis(300)).open("proj42", "c", "o"))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("cannot read object c/o")
                .hasMessageContaining("read timeout");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "proj42 | ..          | x.vhd         | invalid container name",
        "proj42 | .           | x.vhd         | invalid container name",
        "proj42 | a/b         | x.vhd         | invalid container name",
        "proj42 | ''          | x.vhd         | container name is empty",
        "proj42 | c           | ''            | object name is empty",
        "proj42 | c           | /etc/passwd   | invalid object name",
        "proj42 | c           | a/../../x     | invalid object name",
        "proj42 | c           | ./x           | invalid object name",
        "proj42 | c           | a/..          | invalid object name",
        "p/../q | c           | x             | invalid project id",
        "''     | c           | x             | invalid project id",
        "p%2F   | c           | x             | invalid project id",
    })
    void hostileNamesAreRefusedBeforeAnyRequest(String project, String container, String object, String message) {
        assertThatThrownBy(() -> source(Duration.ofSeconds(5)).open(project, container, object))
                .isInstanceOf(SourceException.class).hasMessageContaining(message);
        assertThat(paths).isEmpty();
    }

    @Test
    void controlCharactersAndOverlongNamesAreRefused() {
        SwiftSource swift = source(Duration.ofSeconds(5));
        assertThatThrownBy(() -> swift.open("p", "c", "x\r\nX-Auth-Token: stolen")).hasMessageContaining("invalid object name");
        assertThatThrownBy(() -> swift.open("p", "c\u0000", "x")).hasMessageContaining("invalid container name");
        assertThatThrownBy(() -> swift.open("p", "c", "o".repeat(1025))).hasMessageContaining("longer than 1024");
        assertThatThrownBy(() -> swift.open("p", "é".repeat(129), "x")).hasMessageContaining("longer than 256");
        assertThat(paths).isEmpty();
    }

    /** Ranged reads against {@link RangeServer} playing Swift: each answer is checked as asked. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "NONE|",
        "REPLACED|object c/o changed while it was being read",
        "WRONG_CONTENT_RANGE|object storage sent the wrong range of c/o: asked bytes=100-1099, got Content-Range: bytes 101-1100/5000",
        "WRONG_TOTAL|object storage sent the wrong range of c/o: asked bytes=100-1099, got Content-Range: bytes 100-1099/9096",
        "SHORT_BODY|object storage sent 500 of the 1000 bytes of a range read of c/o at 100 (short body)",
        "STATUS_200|object storage answered HTTP 200 to a range read of c/o"})
    void rangedReadsCheckEveryAnswer(RangeServer.Fault fault, String message) throws IOException {
        byte[] data = new byte[5000];
        new java.util.Random(5).nextBytes(data);
        try (RangeServer swift = new RangeServer()) {
            swift.serve("/v1/AUTH_proj42/c/o", data, fault, 2);
            URI storage = URI.create(swift.url("/v1/AUTH_operator"));
            SwiftAuth auth = new FixedSwiftAuth(storage);
            SwiftSource source = new SwiftSource(new SwiftClient(auth, Duration.ofSeconds(2), Duration.ofSeconds(5)),
                    "AUTH_", 1L << 40);
            dev.ferry.format.io.ReadSource ranged = source.openRanged("proj42", "c", "o");
            assertThat(ranged.size()).isEqualTo(5000);
            byte[] buf = new byte[1000];
            if (message == null) {
                ranged.readFully(100, buf, 0, 1000);
                assertThat(buf).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 1100));
                assertThat(swift.rangesSeen("/v1/AUTH_proj42/c/o")).containsExactly("bytes=100-1099");
            } else {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> ranged.readFully(100, buf, 0, 1000))
                        .isInstanceOf(SourceException.class).hasMessageContaining(message);
            }
        }
    }

    @Test
    void closingARangedSourceAbortsAReadThatWaitsOnASilentServer() throws Exception {
        byte[] data = new byte[5000];
        try (RangeServer swift = new RangeServer()) {
            swift.serve("/v1/AUTH_proj42/c/o", data, RangeServer.Fault.NONE, 2);
            java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
            swift.holdFrom("/v1/AUTH_proj42/c/o", 100, gate);
            URI storage = URI.create(swift.url("/v1/AUTH_operator"));
            SwiftAuth auth = new FixedSwiftAuth(storage);
            // read timeout 20 s; the gate would open after 30 s
            SwiftSource source = new SwiftSource(new SwiftClient(auth, Duration.ofSeconds(2), Duration.ofSeconds(20)),
                    "AUTH_", 1L << 40);
            try {
                dev.ferry.format.io.ReadSource ranged = source.openRanged("proj42", "c", "o");
                java.util.concurrent.CompletableFuture<Throwable> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        ranged.read(100, new byte[10], 0, 10);
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                });
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                        .until(() -> swift.rangesSeen("/v1/AUTH_proj42/c/o").size() == 1);
                ranged.close();
                assertThat(read.get(10, java.util.concurrent.TimeUnit.SECONDS))
                        .isInstanceOf(java.io.InterruptedIOException.class)
                        .hasMessage("reads of object c/o were stopped");
                assertThatThrownBy(() -> ranged.read(0, new byte[1], 0, 1)).isInstanceOf(java.io.InterruptedIOException.class);
            } finally {
                gate.countDown();
            }
        }
    }
}
