package dev.ferry.server.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real sockets: an in-test HTTP server on 127.0.0.1 and the real client behind the guard. */
class HttpSourceTest {

    private static final byte[] DATA = new byte[300_000];

    static {
        new Random(42).nextBytes(DATA);
    }

    private HttpServer server;
    private int port;
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpSource source;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        port = server.getAddress().getPort();
        route("/data", ex -> send(ex, 200, DATA, true));
        route("/chunked", ex -> send(ex, 200, DATA, false));
        route("/missing", ex -> send(ex, 404, "nope".getBytes(), true));
        route("/error", ex -> send(ex, 500, new byte[0], true));
        route("/r1", ex -> redirect(ex, 302, "r2"));
        route("/r2", ex -> redirect(ex, 301, "/r3"));
        route("/r3", ex -> redirect(ex, 307, "http://127.0.0.1:" + port + "/data"));
        route("/loop", ex -> redirect(ex, 302, "/loop"));
        route("/to-metadata", ex -> redirect(ex, 302, "http://169.254.169.254/latest/meta-data/"));
        route("/to-file", ex -> redirect(ex, 302, "file:///etc/passwd"));
        route("/to-name", ex -> redirect(ex, 308, "http://internal.example:" + port + "/data"));
        route("/no-location", ex -> send(ex, 302, new byte[0], true));
        route("/stall-body", ex -> {
            ex.sendResponseHeaders(200, DATA.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(DATA, 0, 1000);
                out.flush();
                awaitRelease();
            } catch (IOException ignored) {
                // the client went away
            }
        });
        route("/stall-head", ex -> {
            awaitRelease();
            send(ex, 200, DATA, true);
        });
        server.start();
        source = new HttpSource(new UrlGuard(loopbackPolicy()));
    }

    @AfterEach
    void stop() {
        release.countDown();
        source.close();
        server.stop(0);
    }

    private UrlPolicy loopbackPolicy() {
        return UrlPolicy.defaults().withAllowedHosts(List.of("127.0.0.1")).withAllowedPorts(Set.of(80, 443, port));
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Test
    void downloadsFromAnAllowedLoopbackAddress() throws IOException {
        try (OpenedStream s = source.open(url("/data"))) {
            assertThat(s.contentLength()).isEqualTo(DATA.length);
            assertThat(s.finalUrl()).isEqualTo(url("/data"));
            assertThat(s.body().readAllBytes()).isEqualTo(DATA);
        }
    }

    @Test
    void streamsABodyWithoutContentLength() throws IOException {
        try (OpenedStream s = source.open(url("/chunked"))) {
            assertThat(s.contentLength()).isEqualTo(-1);
            assertThat(s.body().readAllBytes()).isEqualTo(DATA);
        }
    }

    @Test
    void refusesLoopbackByDefaultWithoutConnecting() {
        try (HttpSource strict = new HttpSource(new UrlGuard(UrlPolicy.defaults().withAllowedPorts(Set.of(port))))) {
            assertThatThrownBy(() -> strict.open(url("/data")))
                    .isInstanceOf(SourceException.class)
                    .hasMessage("URL host 127.0.0.1 refused by policy: loopback address");
        }
        assertThat(requests).hasValue(0);
    }

    @Test
    void checksTheAddressANameResolvesToAndConnectsOnlyThere() throws IOException {
        Map<String, InetAddress[]> dns = Map.of(
                "images.example", new InetAddress[] {InetAddress.getByName("127.0.0.1")},
                "mixed.example", new InetAddress[] {InetAddress.getByName("10.0.0.1"), InetAddress.getByName("127.0.0.1")});
        HttpSource.HostResolver resolver = host -> {
            InetAddress[] a = dns.get(host);
            if (a == null) {
                throw new UnknownHostException(host);
            }
            return a;
        };
        try (HttpSource strict = new HttpSource(new UrlGuard(UrlPolicy.defaults().withAllowedPorts(Set.of(port))), resolver)) {
            assertThatThrownBy(() -> strict.open(URI.create("http://images.example:" + port + "/data")))
                    .isInstanceOf(SourceException.class)
                    .hasMessage("connection to 127.0.0.1:" + port + " refused by policy: loopback address");
            assertThatThrownBy(() -> strict.open(URI.create("http://nowhere.example:" + port + "/data")))
                    .hasMessage("cannot resolve host nowhere.example of http://nowhere.example:" + port + "/data");
        }
        assertThat(requests).hasValue(0);
        // allowing 127.0.0.1 lets the name through, and the private 10.0.0.1 is dropped, never tried
        try (HttpSource lenient = new HttpSource(new UrlGuard(loopbackPolicy()), resolver);
                OpenedStream s = lenient.open(URI.create("http://mixed.example:" + port + "/data"))) {
            assertThat(s.body().readAllBytes()).isEqualTo(DATA);
        }
    }

    @Test
    void followsARedirectChain() throws IOException {
        try (OpenedStream s = source.open(url("/r1"))) {
            assertThat(s.finalUrl()).isEqualTo(url("/data"));
            assertThat(s.body().readAllBytes()).isEqualTo(DATA);
        }
        assertThat(requests).hasValue(4);
    }

    @Test
    void stopsAfterTooManyRedirects() {
        try (HttpSource s = new HttpSource(new UrlGuard(loopbackPolicy().withMaxRedirects(3)))) {
            assertThatThrownBy(() -> s.open(url("/loop")))
                    .isInstanceOf(SourceException.class)
                    .hasMessage("too many redirects (more than 3) starting at " + url("/loop"));
        }
        assertThat(requests).hasValue(4);
        try (HttpSource s = new HttpSource(new UrlGuard(loopbackPolicy().withMaxRedirects(0)))) {
            assertThatThrownBy(() -> s.open(url("/r3"))).hasMessageContaining("too many redirects (more than 0)");
        }
    }

    @Test
    void refusesARedirectToARefusedAddress() {
        assertThatThrownBy(() -> source.open(url("/to-metadata")))
                .isInstanceOf(SourceException.class)
                .hasMessage("redirect to http://169.254.169.254/latest/meta-data/ refused: URL host 169.254.169.254"
                        + " refused by policy: link-local address (cloud metadata service)");
    }

    @Test
    void refusesARedirectToANameResolvingToARefusedAddress() throws IOException {
        InetAddress[] internal = {InetAddress.getByName("10.1.1.1")};
        try (HttpSource s = new HttpSource(new UrlGuard(loopbackPolicy()), host -> internal)) {
            assertThatThrownBy(() -> s.open(url("/to-name")))
                    .isInstanceOf(SourceException.class)
                    .hasMessage("connection to 10.1.1.1:" + port + " refused by policy: private address");
        }
    }

    @Test
    void refusesARedirectToARefusedScheme() {
        assertThatThrownBy(() -> source.open(url("/to-file")))
                .isInstanceOf(SourceException.class)
                .hasMessage("redirect to file:///etc/passwd refused: URL scheme 'file' is not allowed (allowed: http, https)");
    }

    @Test
    void refusesAnHttpsToHttpDowngrade() {
        assertThatThrownBy(() -> source.check("http://127.0.0.1:" + port + "/data", URI.create("https://example.com/a")))
                .isInstanceOf(SourceException.class)
                .hasMessage("redirect from https://example.com/a to http://127.0.0.1:" + port
                        + "/data refused: downgrade from https to http");
    }

    @Test
    void refusesARedirectWithoutLocation() {
        assertThatThrownBy(() -> source.open(url("/no-location")))
                .hasMessage("HTTP 302 from " + url("/no-location") + " without a Location header");
    }

    @Test
    void enforcesTheSizeCapOnContentLength() {
        try (HttpSource s = new HttpSource(new UrlGuard(loopbackPolicy().withMaxBytes(DATA.length - 1)))) {
            assertThatThrownBy(() -> s.open(url("/data")))
                    .isInstanceOf(SourceException.class)
                    .hasMessage("source exceeds size cap of " + (DATA.length - 1) + " bytes (Content-Length: "
                            + DATA.length + ") at " + url("/data"));
        }
    }

    @Test
    void enforcesTheSizeCapWhileStreaming() throws IOException {
        try (HttpSource s = new HttpSource(new UrlGuard(loopbackPolicy().withMaxBytes(100_000)));
                OpenedStream opened = s.open(url("/chunked"))) {
            InputStream body = opened.body();
            assertThatThrownBy(body::readAllBytes)
                    .isInstanceOf(SourceException.class)
                    .hasMessage("source exceeds size cap of 100000 bytes at " + url("/chunked"));
        }
        // exactly at the cap is fine
        try (HttpSource s = new HttpSource(new UrlGuard(loopbackPolicy().withMaxBytes(DATA.length)));
                OpenedStream opened = s.open(url("/chunked"))) {
            assertThat(opened.body().readAllBytes()).hasSize(DATA.length);
        }
    }

    @Test
    void failsWithAReadTimeoutWhenTheServerStallsMidBody() throws IOException {
        UrlPolicy quick = loopbackPolicy().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300));
        try (HttpSource s = new HttpSource(new UrlGuard(quick)); OpenedStream opened = s.open(url("/stall-body"))) {
            assertThatThrownBy(() -> opened.body().readAllBytes())
                    .isInstanceOf(SourceException.class)
                    .hasMessage("no data from " + url("/stall-body") + " for 300 ms (read timeout) after 1000 bytes");
        }
    }

    @Test
    void failsWithAReadTimeoutWhenTheServerNeverAnswers() {
        UrlPolicy quick = loopbackPolicy().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300));
        try (HttpSource s = new HttpSource(new UrlGuard(quick))) {
            assertThatThrownBy(() -> s.open(url("/stall-head")))
                    .isInstanceOf(SourceException.class)
                    .hasMessage("no response from " + url("/stall-head") + " within 300 ms (read timeout)");
        }
    }

    @Test
    void closingEarlyAbandonsAStalledTransfer() throws IOException {
        // the read timeout is long: if close drained the body, this test would hang for a minute
        OpenedStream opened = source.open(url("/stall-body"));
        assertThat(opened.body().readNBytes(1000)).isEqualTo(java.util.Arrays.copyOf(DATA, 1000));
        opened.close();
        assertThatThrownBy(() -> opened.body().read()).isInstanceOf(IOException.class);
    }

    @Test
    void reportsNon200Answers() {
        assertThatThrownBy(() -> source.open(url("/missing")))
                .isInstanceOf(SourceException.class)
                .hasMessage("HTTP 404 from " + url("/missing"));
        assertThatThrownBy(() -> source.open(url("/error"))).hasMessage("HTTP 500 from " + url("/error"));
    }

    @Test
    void reportsAClosedPort() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        UrlPolicy p = loopbackPolicy().withAllowedPorts(Set.of(closedPort));
        try (HttpSource s = new HttpSource(new UrlGuard(p))) {
            assertThatThrownBy(() -> s.open(URI.create("http://127.0.0.1:" + closedPort + "/x")))
                    .isInstanceOf(SourceException.class)
                    .hasMessageStartingWith("cannot connect to 127.0.0.1:" + closedPort + ": ");
        }
    }

    @Test
    void fetchesFromAnIpv6LiteralWhenAllowed() throws IOException {
        InetAddress v6 = InetAddress.getByName("::1");
        HttpServer v6server;
        try {
            v6server = HttpServer.create(new InetSocketAddress(v6, 0), 0);
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
            return;
        }
        v6server.createContext("/v6", ex -> send(ex, 200, DATA, true));
        v6server.start();
        int v6port = v6server.getAddress().getPort();
        URI url = URI.create("http://[::1]:" + v6port + "/v6");
        try {
            UrlPolicy ports = UrlPolicy.defaults().withAllowedPorts(Set.of(v6port));
            try (HttpSource strict = new HttpSource(new UrlGuard(ports))) {
                assertThatThrownBy(() -> strict.open(url)).hasMessage("URL host [::1] refused by policy: loopback address");
            }
            try (HttpSource allowed = new HttpSource(new UrlGuard(ports.withAllowedHosts(List.of("::1/128"))));
                    OpenedStream s = allowed.open(url)) {
                assertThat(s.body().readAllBytes()).isEqualTo(DATA);
            }
        } finally {
            v6server.stop(0);
        }
    }

    @Test
    void checksTheFirstUrlToo() {
        assertThatThrownBy(() -> source.open(URI.create("ftp://127.0.0.1/x")))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("scheme 'ftp' is not allowed");
    }

    private void route(String path, HttpHandler handler) {
        server.createContext(path, ex -> {
            if (!ex.getRequestURI().getPath().equals(path)) {
                send(ex, 404, new byte[0], true);
                return;
            }
            requests.incrementAndGet();
            handler.handle(ex);
        });
    }

    private static void send(HttpExchange ex, int status, byte[] body, boolean withLength) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : withLength ? body.length : 0);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static void redirect(HttpExchange ex, int status, String location) throws IOException {
        ex.getResponseHeaders().add("Location", location);
        send(ex, status, new byte[0], true);
    }

    private void awaitRelease() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
