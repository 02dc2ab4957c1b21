package dev.ferry.server.it;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar ferry-server/target/ferry.jar serve} as a child process, the way operators run
 * it: config in a properties file, ready when it prints {@code ferry listening on http://HOST:PORT}.
 * The jar is built by {@code package}, before failsafe runs the *IT classes.
 */
final class ServerProcess implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern LISTENING = Pattern.compile("ferry listening on (http://\\S+)");

    private final Process process;
    private final Path log;
    private final CompletableFuture<URI> listening = new CompletableFuture<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String name;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        Thread.ofVirtual().name(name + "-stdout").start(this::pumpStdout);
    }

    /** The shaded jar; {@code -Dferry.jar=...} overrides the module's target/ferry.jar. */
    static Path jar() {
        Path jar = Path.of(System.getProperty("ferry.jar", "target/ferry.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration suite through Maven "
                    + "(./mvnw verify -Pintegration), which packages the jar first");
        }
        return jar;
    }

    /** Starts a server on 127.0.0.1 and a free port with these config keys, and waits until it listens. */
    static ServerProcess start(String name, Path workDir, Path dataDir, Map<String, String> config) throws IOException {
        Files.createDirectories(workDir);
        Path configFile = workDir.resolve(name + ".properties");
        StringBuilder props = new StringBuilder();
        config.forEach((k, v) -> props.append(k).append(" = ").append(v).append('\n'));
        Files.writeString(configFile, props);
        Path log = workDir.resolve(name + ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-jar", jar().toString(), "serve",
                "--listen", "127.0.0.1:0", "--data-dir", dataDir.toString(), "--config", configFile.toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .directory(workDir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("FERRY_"));
        ServerProcess server = new ServerProcess(name, pb.start(), log);
        try {
            await(name + " to print its listening line").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!server.process.isAlive() && !server.listening.isDone()) {
                            throw new IllegalStateException(name + " exited with " + server.process.exitValue()
                                    + "; log:\n" + server.logTail());
                        }
                        return server.listening.isDone();
                    });
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    URI base() {
        return listening.join();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no lease release, no flush; the crash we want to survive. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** The whole log (stderr, and stdout lines prefixed). */
    String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    record Reply(int status, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(base().resolve(path)).GET());
    }

    Reply postJson(String path, String json) {
        return send(HttpRequest.newBuilder(base().resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(name + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void pumpStdout() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                Matcher m = LISTENING.matcher(line);
                if (m.find() && !listening.isDone()) {
                    listening.complete(URI.create(m.group(1) + "/"));
                }
                Files.writeString(log, "[stdout] " + line + "\n", StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            // the process died; start() and the tests notice
        }
    }
}
