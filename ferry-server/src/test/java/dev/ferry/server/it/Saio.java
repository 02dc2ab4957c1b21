package dev.ferry.server.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.TempAuthV1;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Swift all-in-one of {@code tools/swift-saio.sh}, started once per JVM for the integration
 * tests and stopped when the JVM exits, unless it was already running (then it is left alone).
 * When it cannot be started (not root and packages missing, no apt, a port taken) the tests that
 * need it are skipped, with the reason printed on stderr, unless {@code -Dferry.saio.required=true}
 * (set by .ci/run): then they fail.
 */
public final class Saio {

    public static final int PORT = Integer.getInteger("ferry.saio.port", 18181);
    public static final String HOST = "http://127.0.0.1:" + PORT;
    public static final URI AUTH_URL = URI.create(HOST + "/auth/v1.0");
    public static final String OPERATOR = "ferry:operator";
    public static final String OPERATOR_KEY = "operator-key";
    public static final String PROJECT = "proj1";
    public static final String PROJECT_USER = "proj1:user";
    public static final String PROJECT_KEY = "user1-key";
    public static final String OTHER_PROJECT = "proj2";

    /** The second SAIO, whose proxy also takes Keystone tokens for {@code KEY_<project id>} accounts. */
    public static final int KEYSTONE_PORT = PORT + 100;

    private record Setup(int port, String root, String keystoneUrl) {
    }

    private static final Map<Setup, String> FAILURES = new HashMap<>();
    private static final Set<Setup> READY = new HashSet<>();

    private Saio() {
    }

    /** Starts the SAIO if needed; skips the calling test (JUnit assumption) if that is impossible. */
    public static void require() {
        require(new Setup(PORT, System.getProperty("ferry.saio.root", ""), ""));
    }

    /**
     * Starts a second SAIO on {@link #KEYSTONE_PORT} (its own root under target/) whose proxy
     * validates tokens of the Keystone at {@code keystoneUrl} (swift-saio.sh's SAIO_KEYSTONE_URL).
     */
    public static void requireWithKeystone(String keystoneUrl) {
        require(new Setup(KEYSTONE_PORT, Path.of("target/saio-keystone").toAbsolutePath().toString(), keystoneUrl));
    }

    private static synchronized void require(Setup setup) {
        if (!READY.contains(setup) && !FAILURES.containsKey(setup)) {
            try {
                start(setup);
                READY.add(setup);
            } catch (IOException | InterruptedException | RuntimeException e) {
                FAILURES.put(setup, String.valueOf(e.getMessage()));
                System.err.println("\n*** SWIFT SAIO UNAVAILABLE: Swift/S3 integration tests are SKIPPED ***\n*** "
                        + e.getMessage() + "\n");
            }
        }
        String failure = FAILURES.get(setup);
        if (failure != null && Boolean.getBoolean("ferry.saio.required")) {
            throw new IllegalStateException("Swift SAIO required (ferry.saio.required=true) but unavailable: " + failure);
        }
        assumeTrue(failure == null, () -> "Swift SAIO unavailable: " + failure);
    }

    /** The proxy's log (one line per request, with method, path and status) of the SAIO on {@link #PORT}. */
    public static Path proxyLog() throws IOException {
        String root = System.getProperty("ferry.saio.root", "");
        Path base = root.isEmpty() ? findScript().getParent().getParent().resolve("target/saio") : Path.of(root);
        return base.resolve("log/proxy-server.log");
    }

    public static SwiftClient operatorClient() {
        return new SwiftClient(new TempAuthV1(AUTH_URL, OPERATOR, OPERATOR_KEY, Duration.ofSeconds(10)),
                Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    public static SwiftClient projectClient() {
        return new SwiftClient(new TempAuthV1(AUTH_URL, PROJECT_USER, PROJECT_KEY, Duration.ofSeconds(10)),
                Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    private static void start(Setup setup) throws IOException, InterruptedException {
        Path script = findScript();
        if (run(script, setup, "status") == 0) {
            return; // someone else's (or an earlier run's): use it, do not stop it
        }
        Path log = Files.createTempFile("swift-saio", ".log");
        int rc = run(script, setup, "start", log);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (rc != 0) {
            throw new IOException(script + " start failed (exit " + rc + "): " + output.strip());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                run(script, setup, "stop");
            } catch (IOException | InterruptedException e) {
                System.err.println("could not stop the Swift SAIO: " + e);
            }
        }, "saio-stop"));
    }

    private static int run(Path script, Setup setup, String action) throws IOException, InterruptedException {
        return run(script, setup, action, null);
    }

    private static int run(Path script, Setup setup, String action, Path log) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", script.toString(), action));
        if (!setup.root().isEmpty()) { // empty: the script's default, <repo>/target/saio
            pb.environment().put("SAIO_ROOT", setup.root());
        }
        if (!setup.keystoneUrl().isEmpty()) {
            pb.environment().put("SAIO_KEYSTONE_URL", setup.keystoneUrl());
        }
        pb.environment().put("SAIO_PORT", Integer.toString(setup.port()));
        pb.redirectErrorStream(true);
        if (log != null) {
            pb.redirectOutput(log.toFile());
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) { // a first start may install packages
            p.destroyForcibly();
            throw new IOException(script + " " + action + " did not finish");
        }
        return p.exitValue();
    }

    private static Path findScript() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 3 && dir != null; i++, dir = dir.getParent()) {
            Path candidate = dir.resolve("tools/swift-saio.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IOException("tools/swift-saio.sh not found above " + Path.of("").toAbsolutePath());
    }
}
