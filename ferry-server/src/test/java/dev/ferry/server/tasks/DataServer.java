package dev.ferry.server.tasks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback HTTP server for import tests: serves byte arrays by path, plus misbehaving answers
 * ({@link #truncate}: announces more than it sends; {@link #stall}: never answers;
 * {@link #announce}: a Content-Length and no body; {@link #hold}: part of the body, then the rest
 * once the test says so).
 */
public final class DataServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, Long> truncated = new ConcurrentHashMap<>();
    private final Map<String, Long> announced = new ConcurrentHashMap<>();
    private final Map<String, Boolean> stalled = new ConcurrentHashMap<>();
    private final Map<String, Long> heldAfter = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.CountDownLatch> holdGates = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.CountDownLatch> gates = new ConcurrentHashMap<>();

    public DataServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            try (ex) {
                if (stalled.containsKey(path)) {
                    Thread.sleep(30_000);
                    return;
                }
                Long announce = announced.get(path);
                if (announce != null) {
                    ex.sendResponseHeaders(200, announce);
                    ex.getResponseBody().write(new byte[512]);
                    ex.getResponseBody().flush();
                    Thread.sleep(2_000);
                    return;
                }
                java.util.concurrent.CountDownLatch gate = gates.get(path);
                if (gate != null && !gate.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    return;
                }
                byte[] body = files.get(path);
                if (body == null) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                Long cut = truncated.get(path);
                ex.sendResponseHeaders(200, body.length);
                OutputStream out = ex.getResponseBody();
                Long held = heldAfter.get(path);
                if (held != null) {
                    int at = Math.toIntExact(held);
                    out.write(body, 0, at);
                    out.flush();
                    // one byte every 100 ms while the gate is closed: the client's read timeout
                    // never fires, and the bulk of the rest stays held back
                    java.util.concurrent.CountDownLatch holdGate = holdGates.get(path);
                    for (int i = 0; i < 600 && at < body.length && !holdGate.await(100, java.util.concurrent.TimeUnit.MILLISECONDS); i++) {
                        out.write(body, at++, 1);
                        out.flush();
                    }
                    out.write(body, at, body.length - at);
                    out.flush();
                    return;
                }
                out.write(body, 0, cut == null ? body.length : Math.toIntExact(cut));
                out.flush();
                if (cut != null) {
                    Thread.sleep(200);
                    throw new IOException("cut short on purpose");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    public String serve(String path, byte[] body) {
        files.put(path, body);
        return url(path);
    }

    /** Announces {@code body.length} bytes but sends only {@code sent}, then drops the connection. */
    public String truncate(String path, byte[] body, long sent) {
        files.put(path, body);
        truncated.put(path, sent);
        return url(path);
    }

    /**
     * Sends the first {@code first} bytes of {@code body} (announcing all of it), then one byte
     * every 100 ms until {@code gate} is opened (at most a minute), then the rest.
     */
    public String hold(String path, byte[] body, long first, java.util.concurrent.CountDownLatch gate) {
        files.put(path, body);
        holdGates.put(path, gate);
        heldAfter.put(path, first);
        return url(path);
    }

    /**
     * Serves {@code body} at {@code path} once {@code release} is counted down (the response waits
     * for it, at most 30 s), so that a test can act while an import is downloading.
     */
    public String gate(String path, byte[] body, java.util.concurrent.CountDownLatch release) {
        files.put(path, body);
        gates.put(path, release);
        return url(path);
    }

    public String stall(String path) {
        stalled.put(path, true);
        return url(path);
    }

    public String announce(String path, long length) {
        announced.put(path, length);
        return url(path);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
