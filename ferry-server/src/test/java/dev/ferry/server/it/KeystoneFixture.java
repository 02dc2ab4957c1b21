package dev.ferry.server.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real Keystone of {@code tools/keystone.sh}: started once per JVM (and stopped at exit if
 * this JVM started it); tests are skipped, loudly, when it cannot start. Users and passwords are
 * the ones the script provisions.
 */
final class KeystoneFixture {

    static final String PORT = System.getenv().getOrDefault("FERRY_KEYSTONE_PORT", "15100");
    static final String URL = "http://127.0.0.1:" + PORT + "/v3";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Boolean up;

    private KeystoneFixture() {
    }

    /** Starts Keystone unless it answers already; skips the calling test if it cannot. */
    static synchronized void require() {
        if (up == null) {
            boolean wasRunning = answers();
            up = wasRunning || script("start");
            if (!up) {
                System.err.println("\n*** KEYSTONE COULD NOT START: the Keystone integration tests are SKIPPED."
                        + " Run tools/keystone.sh start by hand to see why. ***\n");
            } else if (!wasRunning) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> script("stop")));
            }
        }
        assumeTrue(up, "Keystone (tools/keystone.sh start) is not available");
    }

    static boolean answers() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(URL)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code tools/keystone.sh start|stop}; true when it exits 0. */
    static boolean script(String action) {
        return script(action, java.util.Map.of());
    }

    /** Runs the script with extra environment, e.g. {@code FERRY_IMAGE_URL} for the catalog. */
    static boolean script(String action, java.util.Map<String, String> env) {
        return script(java.util.List.of(action), env);
    }

    /** Runs the script with arguments, e.g. {@code object-store URL}. */
    static boolean script(java.util.List<String> args, java.util.Map<String, String> env) {
        Path script = findScript();
        if (script == null) {
            System.err.println("tools/keystone.sh not found above " + Path.of("").toAbsolutePath());
            return false;
        }
        try {
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("bash", script.toString()));
            command.addAll(args);
            ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT);
            b.environment().putAll(env);
            Process p = b.start();
            if (!p.waitFor(15, TimeUnit.MINUTES)) { // a first start installs Debian packages
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            System.err.println("cannot run " + script + ": " + e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path findScript() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("tools/keystone.sh");
            if (Files.isRegularFile(s)) {
                return s;
            }
        }
        return null;
    }

    /** A project-scoped token for a user the script provisioned. */
    static Token token(String user, String password, String project) {
        String body = "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \""
                + user + "\", \"domain\": {\"id\": \"default\"}, \"password\": \"" + password + "\"}}}, "
                + "\"scope\": {\"project\": {\"name\": \"" + project + "\", \"domain\": {\"id\": \"default\"}}}}}";
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(URL + "/auth/tokens?nocatalog"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        if (r.statusCode() != 201) {
            throw new IllegalStateException("Keystone refused " + user + ": " + r.statusCode() + " " + r.body());
        }
        JsonNode t = JSON.readTree(r.body()).get("token");
        return new Token(r.headers().firstValue("X-Subject-Token").orElseThrow(), t.get("project").get("id").asString(),
                t.get("user").get("id").asString());
    }

    /** Revokes {@code subject} as Keystone's admin: DELETE /v3/auth/tokens. */
    static void revoke(String subject) {
        Token admin = token("admin", "admin", "admin");
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(URL + "/auth/tokens"))
                .header("X-Auth-Token", admin.id()).header("X-Subject-Token", subject).DELETE());
        if (r.statusCode() != 204) {
            throw new IllegalStateException("revocation answered " + r.statusCode() + " " + r.body());
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return HTTP.send(b.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Token(String id, String projectId, String userId) {
    }
}
