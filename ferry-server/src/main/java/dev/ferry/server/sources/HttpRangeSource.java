package dev.ferry.server.sources;

import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.client5.http.classic.methods.HttpGet;

/**
 * Positioned reads of an http(s) URL by {@code Range} GETs, for a server that answered a first
 * ranged GET ({@link #probe}) with a 206. Every request goes through {@link HttpSource#send}: the
 * guard checks the URL and every redirect, the client connects only to addresses the guard
 * accepted, and the timeouts and {@code url.max_bytes} are the same as for a download.
 *
 * <p>Each read fetches exactly the range asked (at most {@link #MAX_RANGE} bytes) and checks the
 * answer: a 206 whose {@code Content-Range} is exactly the range asked with the total seen first,
 * the same {@code ETag} and {@code Last-Modified} as the first answer (and, with a strong ETag,
 * {@code If-Match}/{@code If-Range} sent so that the server itself refuses a changed file), a
 * body of exactly the range's length. Anything else (a 200, a 412, a 416, another range or total,
 * another validator, a short or longer body) throws a {@link SourceException} naming it: the
 * import fails rather than mix two versions. Not cached: {@link BlockCache} reads it by blocks.
 */
public final class HttpRangeSource implements ReadSource {

    /** Largest range fetched by one request. */
    static final int MAX_RANGE = 16 << 20;

    private final HttpSource http;
    private final URI url;
    private final long size;
    private final String etag;
    private final String lastModified;
    /** Requests under way, so that {@link #close} can abort them from another thread. */
    private final Set<HttpGet> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private HttpRangeSource(HttpSource http, URI url, long size, String etag, String lastModified) {
        this.http = http;
        this.url = url;
        this.size = size;
        this.etag = etag;
        this.lastModified = lastModified;
    }

    /**
     * Asks for the first byte ({@code Range: bytes=0-0}). A 206 with {@code Content-Range: bytes
     * 0-0/N} gives a source of N bytes (N within {@code url.max_bytes}); a 200 (ranges ignored, as
     * python's http.server does) or a 416 (an empty file) gives none; any other answer fails as a
     * download would. A 206 is the evidence of range support: {@code Accept-Ranges} alone is not
     * (servers send it and then ignore a Range).
     */
    static Optional<HttpRangeSource> probe(HttpSource http, URI url) throws SourceException {
        HttpSource.Exchange ex = http.send(url, Map.of("Range", "bytes=0-0"));
        boolean done = false;
        try {
            int status = ex.status();
            if (status == 200 || status == 416) {
                return Optional.empty();
            }
            if (status != 206) {
                throw new SourceException("HTTP " + status + " from " + ex.uri());
            }
            String range = ex.header("Content-Range");
            Optional<ContentRange> got = ContentRange.parse(range);
            if (got.isEmpty() || got.get().first() != 0 || got.get().last() != 0) {
                throw new SourceException("the server sent the wrong range: asked bytes=0-0, got Content-Range: "
                        + printable(range) + " (" + ex.uri() + ")");
            }
            long total = got.get().complete();
            if (total > http.policy().maxBytes()) {
                throw new SourceException("source exceeds size cap of " + http.policy().maxBytes()
                        + " bytes (Content-Range total: " + total + ") at " + ex.uri());
            }
            HttpRangeSource source = new HttpRangeSource(http, ex.uri(), total, ex.header("ETag"),
                    ex.header("Last-Modified"));
            source.readBody(ex, new byte[1], 0, 1, 0, 0);
            done = true;
            return Optional.of(source);
        } finally {
            if (!done) {
                ex.abort();
            }
        }
    }

    /** Where the reads go (the URL after the first request's redirects). */
    public URI url() {
        return url;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long position, byte[] buf, int off, int len) throws IOException {
        int readable = ReadSource.readable(size, position, buf, off, len);
        if (closed) {
            throw stopped();
        }
        if (readable <= 0) {
            return readable;
        }
        int want = Math.min(readable, MAX_RANGE);
        long end = position + want - 1;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Range", "bytes=" + position + "-" + end);
        if (etag != null && !etag.startsWith("W/")) {
            // RFC 9110: the server answers 412 (If-Match) or the whole new file (If-Range) if it changed
            headers.put("If-Match", etag);
            headers.put("If-Range", etag);
        } else if (lastModified != null) {
            headers.put("If-Unmodified-Since", lastModified);
        }
        List<HttpGet> mine = new ArrayList<>(2);
        HttpSource.Exchange ex;
        try {
            ex = http.send(url, headers, request -> {
                mine.add(request);
                inFlight.add(request);
                if (closed) {
                    request.cancel();
                }
            });
        } catch (SourceException e) {
            inFlight.removeAll(mine);
            throw closed ? stopped() : e;
        }
        boolean done = false;
        try {
            if (closed) {
                throw stopped();
            }
            check(ex, position, end);
            readBody(ex, buf, off, want, position, end);
            done = true;
            return want;
        } catch (SourceException e) {
            throw closed ? stopped() : e; // the abort, not the server
        } finally {
            inFlight.removeAll(mine);
            if (!done) {
                ex.abort(); // never drain a wrong answer; its connection is not reused
            }
        }
    }

    /**
     * Stops reading: requests under way are aborted (their readers get an exception at once,
     * whatever the server does) and later reads fail. Safe from any thread.
     */
    @Override
    public void close() {
        closed = true;
        inFlight.forEach(HttpGet::cancel);
    }

    private InterruptedIOException stopped() {
        return new InterruptedIOException("reads of " + url + " were stopped");
    }

    /** Status, range, total and validators of a ranged answer, exactly as asked and as first seen. */
    private void check(HttpSource.Exchange ex, long start, long end) throws SourceException {
        int status = ex.status();
        String asked = "bytes=" + start + "-" + end;
        if (status == 412) {
            throw changed("HTTP 412 (Precondition Failed) to " + asked + " with " + (etag != null && !etag.startsWith("W/")
                    ? "If-Match: " + etag : "If-Unmodified-Since: " + lastModified));
        }
        checkValidators(ex, asked);
        if (status == 200) {
            throw new SourceException("the server ignored a range request (HTTP 200 to Range: " + asked + ") of "
                    + url + " after answering ranges before");
        }
        if (status == 416) {
            throw changed("HTTP 416 (Range Not Satisfiable) to " + asked + " of a source of " + size + " bytes");
        }
        if (status != 206) {
            throw new SourceException("HTTP " + status + " from " + url + " to Range: " + asked);
        }
        String range = ex.header("Content-Range");
        Optional<ContentRange> got = ContentRange.parse(range);
        if (got.isEmpty() || got.get().first() != start || got.get().last() != end) {
            throw new SourceException("the server sent the wrong range: asked " + asked + ", got Content-Range: "
                    + printable(range) + " (" + url + ")");
        }
        if (got.get().complete() != size) {
            throw changed("Content-Range: " + printable(range) + " gives a total other than the " + size
                    + " bytes first announced");
        }
    }

    private void checkValidators(HttpSource.Exchange ex, String asked) throws SourceException {
        String nowEtag = ex.header("ETag");
        if (etag != null && !etag.equals(nowEtag)) {
            throw changed("ETag " + printable(nowEtag) + " at " + asked + ", was " + etag);
        }
        String nowModified = ex.header("Last-Modified");
        if (lastModified != null && !lastModified.equals(nowModified)) {
            throw changed("Last-Modified " + printable(nowModified) + " at " + asked + ", was " + lastModified);
        }
    }

    /** Reads exactly {@code want} bytes and checks that the body ends there. */
    private void readBody(HttpSource.Exchange ex, byte[] buf, int off, int want, long start, long end)
            throws SourceException {
        String length = ex.header("Content-Length");
        if (length != null && !length.strip().equals(String.valueOf(want))) {
            throw new SourceException("the server announced Content-Length: " + printable(length) + " for the "
                    + want + " bytes of range " + start + "-" + end + " of " + url);
        }
        try (InputStream body = ex.body()) {
            int n = body.readNBytes(buf, off, want);
            if (n < want) {
                throw new SourceException("the server sent " + n + " of the " + want + " bytes of range " + start + "-"
                        + end + " of " + url + " (short body)");
            }
            if (body.read() >= 0) {
                throw new SourceException("the server sent more than the " + want + " bytes of range " + start + "-"
                        + end + " of " + url);
            }
        } catch (IOException e) {
            throw e instanceof SourceException s ? s : http.translate(e, url);
        }
    }

    private SourceException changed(String detail) {
        return new SourceException("the source changed while being read: " + detail + " (" + url + ")");
    }

    private static String printable(String s) {
        return ContentRange.printable(s);
    }
}
