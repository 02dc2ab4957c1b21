package dev.ferry.server.sources;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP server that does single byte ranges (RFC 9110: {@code Range},
 * {@code Content-Range}, {@code ETag}, {@code Last-Modified}, {@code If-Match}, {@code If-Range})
 * and can misbehave from a given request on ({@link Fault}). Records every {@code Range} header
 * it was sent, per path.
 */
public final class RangeServer implements AutoCloseable {

    /** What a file's server does wrong, from its {@code from}-th request on (1 is the first). */
    public enum Fault {
        /** Nothing: a correct range server. */
        NONE,
        /** Answers every request with 200 and the whole file (as python's http.server does). */
        IGNORE_RANGES,
        /** The file is replaced: new bytes, new ETag and Last-Modified; preconditions honoured (412). */
        REPLACED,
        /** As REPLACED, but ignores If-Match/If-Range and sends 206s of the new file. */
        REPLACED_IGNORING_PRECONDITIONS,
        /** Content-Range one byte later than asked, body of the asked range. */
        WRONG_CONTENT_RANGE,
        /** Content-Range as asked but with another total. */
        WRONG_TOTAL,
        /** Sends half the range (Content-Length of all of it), then drops the connection. */
        DROP_CONNECTION,
        /** Sends half the range, chunked, and ends cleanly. */
        SHORT_BODY,
        /** 206 with the right Content-Range, then a chunked body that never ends. */
        ENDLESS_BODY,
        /** 416 Range Not Satisfiable. */
        RANGE_NOT_SATISFIABLE,
        /** 200 to a ranged request (the full current file). */
        STATUS_200
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

    private record File(byte[] bytes, Fault fault, int from) {
    }

    private final HttpServer server;
    private final Map<String, File> files = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, List<String>> ranges = new ConcurrentHashMap<>();
    private final Map<String, Long> heldFrom = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.CountDownLatch> holdGates = new ConcurrentHashMap<>();

    public RangeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public String serve(String path, byte[] bytes) {
        return serve(path, bytes, Fault.NONE, 1);
    }

    public String serve(String path, byte[] bytes, Fault fault, int from) {
        files.put(path, new File(bytes, fault, from));
        counts.put(path, new AtomicInteger());
        ranges.put(path, new CopyOnWriteArrayList<>());
        return url(path);
    }

    /**
     * Ranged requests of {@code path} starting at or after {@code offset} get no answer until
     * {@code gate} opens (at most 30 s): a server gone silent in the middle of a file.
     */
    public void holdFrom(String path, long offset, java.util.concurrent.CountDownLatch gate) {
        holdGates.put(path, gate);
        heldFrom.put(path, offset);
    }

    /** Answers every request of {@code path} with a 302 to {@code location}. */
    public String redirect(String path, String location) {
        redirects.put(path, location);
        counts.put(path, new AtomicInteger());
        return url(path);
    }

    /** The Range headers received for {@code path}, in order. */
    public List<String> rangesSeen(String path) {
        return List.copyOf(ranges.getOrDefault(path, List.of()));
    }

    /** All requests received for {@code path}. */
    public int requests(String path) {
        AtomicInteger n = counts.get(path);
        return n == null ? 0 : n.get();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        try (ex) {
            String location = redirects.get(path);
            if (location != null) {
                counts.get(path).incrementAndGet();
                ex.getResponseHeaders().set("Location", location);
                ex.sendResponseHeaders(302, -1);
                return;
            }
            File file = files.get(path);
            if (file == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            int n = counts.get(path).incrementAndGet();
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range != null) {
                ranges.get(path).add(range);
            }
            Fault fault = n >= file.from() ? file.fault() : Fault.NONE;
            boolean replaced = fault == Fault.REPLACED || fault == Fault.REPLACED_IGNORING_PRECONDITIONS;
            byte[] bytes = replaced ? flipped(file.bytes()) : file.bytes();
            String etag = replaced ? "\"v2\"" : "\"v1\"";
            ex.getResponseHeaders().set("Accept-Ranges", "bytes");
            ex.getResponseHeaders().set("ETag", etag);
            ex.getResponseHeaders().set("Last-Modified", replaced ? "Tue, 03 Nov 2026 10:00:00 GMT"
                    : "Mon, 02 Nov 2026 10:00:00 GMT");
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().set("Content-Length", String.valueOf(bytes.length));
                ex.sendResponseHeaders(200, -1);
                return;
            }
            OutputStream out = ex.getResponseBody();
            Matcher m = range == null ? null : RANGE.matcher(range);
            if (fault == Fault.IGNORE_RANGES || fault == Fault.STATUS_200 || m == null || !m.matches()) {
                ex.sendResponseHeaders(200, bytes.length);
                out.write(bytes);
                return;
            }
            String ifMatch = ex.getRequestHeaders().getFirst("If-Match");
            if (fault != Fault.REPLACED_IGNORING_PRECONDITIONS && ifMatch != null && !ifMatch.equals(etag)) {
                ex.sendResponseHeaders(412, -1);
                return;
            }
            String ifRange = ex.getRequestHeaders().getFirst("If-Range");
            if (fault != Fault.REPLACED_IGNORING_PRECONDITIONS && ifRange != null && ifRange.startsWith("\"")
                    && !ifRange.equals(etag)) {
                ex.sendResponseHeaders(200, bytes.length);
                out.write(bytes);
                return;
            }
            long start = Long.parseLong(m.group(1));
            long end = Math.min(Long.parseLong(m.group(2)), bytes.length - 1L);
            Long held = heldFrom.get(path);
            if (held != null && start >= held) {
                try {
                    holdGates.get(path).await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (start >= bytes.length || start > end || fault == Fault.RANGE_NOT_SATISFIABLE) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + bytes.length);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            int s = (int) start;
            int len = (int) (end - start + 1);
            long shown = fault == Fault.WRONG_CONTENT_RANGE ? start + 1 : start;
            long shownEnd = fault == Fault.WRONG_CONTENT_RANGE ? end + 1 : end;
            long total = fault == Fault.WRONG_TOTAL ? bytes.length + 4096L : bytes.length;
            ex.getResponseHeaders().set("Content-Range", "bytes " + shown + "-" + shownEnd + "/" + total);
            switch (fault) {
                case DROP_CONNECTION -> {
                    ex.sendResponseHeaders(206, len);
                    out.write(bytes, s, len / 2);
                    out.flush();
                    throw new IOException("connection dropped on purpose");
                }
                case SHORT_BODY -> {
                    ex.sendResponseHeaders(206, 0);
                    out.write(bytes, s, len / 2);
                }
                case ENDLESS_BODY -> {
                    ex.sendResponseHeaders(206, 0);
                    out.write(bytes, s, len);
                    byte[] more = new byte[64 * 1024];
                    for (int i = 0; i < 16 * 1024; i++) { // 1 GiB at most: "endless" for any client that reads on
                        out.write(more);
                    }
                }
                default -> {
                    ex.sendResponseHeaders(206, len);
                    out.write(bytes, s, len);
                }
            }
        }
    }

    private static byte[] flipped(byte[] bytes) {
        byte[] b = bytes.clone();
        for (int i = 0; i < b.length; i += 4096) {
            b[i] ^= 0x5a;
        }
        return b;
    }
}
