package dev.ferry.server;

import dev.ferry.server.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real Ferry server on 127.0.0.1 and a random port, plus a small HTTP client for tests. */
public final class TestServer implements AutoCloseable {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final FerryServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public TestServer(Path dataDir, String databaseUrl, Map<String, String> overrides, Clock clock) {
        Map<String, String> settings = new HashMap<>();
        settings.put("server.listen", "127.0.0.1:0");
        settings.put("server.data_dir", dataDir.toString());
        settings.put("database.url", databaseUrl);
        settings.put("tasks.poll_millis", "100");
        settings.putAll(overrides);
        this.server = FerryServer.start(ConfigLoader.load(null, Map.of(), settings).config(), clock);
        this.base = "http://127.0.0.1:" + server.port();
    }

    public String base() {
        return base;
    }

    public FerryServer server() {
        return server;
    }

    /** A response with its body parsed as JSON when it is JSON. */
    public record Reply(int status, HttpResponse<String> raw) {
        public JsonNode json() {
            return JSON.readTree(raw.body());
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String message() {
            return json().path("message").asString();
        }
    }

    public Reply send(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Reply get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    public Reply postJson(String path, String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/json";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return send("POST", path, body, all);
    }

    /** Waits up to {@code limit} for the task to reach success or failure; returns its last body. */
    public JsonNode awaitTask(String id, Duration limit, String... headers) {
        org.awaitility.Awaitility.await().atMost(limit).until(() -> {
            String s = get("/v2/tasks/" + id, headers).json().path("status").asString("");
            return s.equals("success") || s.equals("failure");
        });
        return get("/v2/tasks/" + id, headers).json();
    }

    @Override
    public void close() {
        server.close();
    }
}
