package dev.ferry.server.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS with a self-signed certificate for 127.0.0.1 made by the JDK's keytool. */
class HttpsSourceTest {

    private static final byte[] DATA = "image bytes over TLS".getBytes();
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;

    private static HttpsServer https;
    private static HttpServer http;
    private static SSLContext serverTls;
    private static SSLContext clientTls;

    @BeforeAll
    static void start() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path keytool = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("keytool").isTrue();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);

        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/data", ex -> {
            ex.sendResponseHeaders(200, DATA.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(DATA);
            }
        });
        http.start();
        https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        https.createContext("/data", ex -> {
            ex.sendResponseHeaders(200, DATA.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(DATA);
            }
        });
        https.createContext("/down", ex -> {
            ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + http.getAddress().getPort() + "/data");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        https.start();
    }

    @AfterAll
    static void stop() {
        if (https != null) {
            https.stop(0);
        }
        if (http != null) {
            http.stop(0);
        }
    }

    private static UrlGuard guard() {
        return new UrlGuard(UrlPolicy.defaults().withAllowedHosts(List.of("127.0.0.1"))
                .withAllowedPorts(Set.of(https.getAddress().getPort(), http.getAddress().getPort())));
    }

    private static URI url(String path) {
        return URI.create("https://127.0.0.1:" + https.getAddress().getPort() + path);
    }

    @Test
    void downloadsOverTlsFromATrustedServer() throws IOException {
        try (HttpSource source = new HttpSource(guard(), InetAddress::getAllByName, clientTls);
                OpenedStream s = source.open(url("/data"))) {
            assertThat(s.body().readAllBytes()).isEqualTo(DATA);
        }
    }

    @Test
    void refusesARedirectFromHttpsToHttp() {
        try (HttpSource source = new HttpSource(guard(), InetAddress::getAllByName, clientTls)) {
            assertThatThrownBy(() -> source.open(url("/down")))
                    .isInstanceOf(SourceException.class)
                    .hasMessage("redirect from " + url("/down") + " to http://127.0.0.1:" + http.getAddress().getPort()
                            + "/data refused: downgrade from https to http");
        }
    }

    @Test
    void refusesAnUntrustedCertificate() {
        try (HttpSource source = new HttpSource(guard())) {
            assertThatThrownBy(() -> source.open(url("/data")))
                    .isInstanceOf(SourceException.class)
                    .hasMessageStartingWith("TLS with 127.0.0.1:" + https.getAddress().getPort() + " failed: ");
        }
    }
}
