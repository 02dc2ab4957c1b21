package dev.ferry.server.objectstorage;

import dev.ferry.server.objectstorage.SwiftClient.Call;
import dev.ferry.server.objectstorage.SwiftClient.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * Swift Static Large Objects, shared by the image store ({@code SwiftStore}) and the export task:
 * a stream is PUT as segments of at most {@code segmentBytes} (each one chunked PUT read straight
 * from the stream, its MD5 checked against Swift's ETag), then a manifest links them. Any account
 * reachable by the client may be named ({@code account} null = the client's own).
 *
 * <p>Nothing partial stays behind: when a segment or the manifest fails, the segments uploaded so
 * far are deleted before the exception is thrown.
 */
public final class SwiftLargeObjects {

    /** Swift's default {@code max_manifest_segments}. */
    public static final int MAX_SEGMENTS = 1000;
    /** Swift's single-object limit (5 GiB + 2 bytes, {@code max_file_size}). */
    public static final long MAX_SEGMENT_BYTES = 5L * 1024 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(SwiftLargeObjects.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SwiftClient swift;
    private final long segmentBytes;

    public SwiftLargeObjects(SwiftClient swift, long segmentBytes) {
        this.swift = Objects.requireNonNull(swift, "swift");
        if (segmentBytes < 1 || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segment size must be 1 to " + MAX_SEGMENT_BYTES + " bytes: " + segmentBytes);
        }
        this.segmentBytes = segmentBytes;
    }

    public long segmentBytes() {
        return segmentBytes;
    }

    /** Where an object goes: account (null = the client's own), container, object name. */
    public record Target(String account, String container, String object) {
        public Target {
            Objects.requireNonNull(container, "container");
            Objects.requireNonNull(object, "object");
        }

        String path() {
            return SwiftClient.objectPath(container, object);
        }

        /** A request to this object; {@code query} ("" or "?...") is appended to its path. */
        public Call call(String method, String query) {
            return Call.of(method, path() + query).in(account);
        }
    }

    /** One uploaded segment, as the manifest lists it. */
    public record Segment(String name, String etag, long size) {
    }

    /** Observes the bytes sent (for task progress); may throw to stop the upload. */
    public interface Progress {
        Progress NONE = sent -> { };

        void sent(long bytes) throws IOException;
    }

    /**
     * Streams {@code data} to its end as segments {@code segmentPrefix + nnnnnnnn} in
     * {@code segmentContainer} of the target's account, then PUTs the manifest at {@code target}
     * with {@code headers} (e.g. {@code If-None-Match: *}, metadata). A stream that fits in one
     * segment becomes a plain object by a server-side copy when {@code copySingle}, else still an
     * SLO of one segment. On failure every segment written is deleted.
     *
     * @return the bytes stored
     */
    public long putSegmented(Target target, String segmentContainer, String segmentPrefix, InputStream data,
                             Map<String, String> headers, boolean copySingle, Progress progress) throws IOException {
        PushbackInputStream in = data instanceof PushbackInputStream p ? p : new PushbackInputStream(data, 1);
        List<Segment> uploaded = new ArrayList<>();
        String inFlight = null;
        boolean done = false;
        try {
            long total = 0;
            do {
                if (uploaded.size() >= MAX_SEGMENTS) {
                    throw new IOException(target.object() + " needs more than " + MAX_SEGMENTS + " segments of "
                            + segmentBytes + " bytes; raise swift.segment_bytes");
                }
                String name = segmentPrefix + String.format(Locale.ROOT, "%08d", uploaded.size());
                inFlight = name;
                long before = total;
                Segment segment = putStreamed(new Target(target.account(), segmentContainer, name), in, segmentBytes,
                        Map.of(), sent -> progress.sent(before + sent));
                uploaded.add(segment);
                inFlight = null;
                total += segment.size();
            } while (!atEnd(in));
            if (uploaded.size() == 1 && copySingle) {
                Call copy = target.call("PUT", "")
                        .header("X-Copy-From", "/" + SwiftClient.objectPath(segmentContainer, uploaded.get(0).name()))
                        .body(new ByteArrayEntity(new byte[0], null));
                for (Map.Entry<String, String> h : headers.entrySet()) {
                    copy = copy.header(h.getKey(), h.getValue());
                }
                expect(swift.exchange(copy), 201, target.object());
            } else {
                putManifest(target, segmentContainer, uploaded, headers);
            }
            done = true;
            if (uploaded.size() == 1 && copySingle) {
                deleteSegments(target.account(), segmentContainer, List.of(uploaded.get(0).name()));
            }
            return total;
        } finally {
            if (!done) {
                List<String> names = new ArrayList<>(uploaded.stream().map(Segment::name).toList());
                if (inFlight != null) {
                    names.add(inFlight); // normally never stored (the upload was cut), but be sure
                }
                deleteSegments(target.account(), segmentContainer, names);
            }
        }
    }

    private void putManifest(Target target, String segmentContainer, List<Segment> segments,
                             Map<String, String> headers) throws IOException {
        ArrayNode manifest = JSON.createArrayNode();
        for (Segment s : segments) {
            manifest.addObject().put("path", "/" + segmentContainer + "/" + s.name()).put("etag", s.etag())
                    .put("size_bytes", s.size());
        }
        byte[] body = JSON.writeValueAsBytes(manifest);
        Call call = target.call("PUT", "?multipart-manifest=put")
                .body(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        for (Map.Entry<String, String> h : headers.entrySet()) {
            call = call.header(h.getKey(), h.getValue());
        }
        expect(swift.exchange(call), 201, target.object());
    }

    /**
     * One chunked PUT of at most {@code limit} bytes of {@code in} (the stream stays open for what
     * follows), with {@code headers}; the MD5 of what was sent must equal Swift's ETag.
     */
    public Segment putStreamed(Target target, InputStream in, long limit, Map<String, String> headers,
                               Progress progress) throws IOException {
        MessageDigest md5 = md5();
        BoundedDigestStream body = new BoundedDigestStream(in, limit, md5, progress);
        Call call = target.call("PUT", "");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            call = call.header(h.getKey(), h.getValue());
        }
        Reply reply = swift.exchangeStreaming(call, body);
        expect(reply, 201, target.object());
        String etag = HexFormat.of().formatHex(md5.digest());
        String returned = reply.header("ETag");
        if (returned == null || !etag.equalsIgnoreCase(returned.replace("\"", ""))) {
            deleteSegments(target.account(), target.container(), List.of(target.object()));
            throw new IOException(target.object() + " arrived damaged: ETag " + returned + ", sent MD5 " + etag);
        }
        return new Segment(target.object(), etag, body.count());
    }

    /**
     * Deletes an object; an SLO together with every segment its manifest lists (one request).
     * An absent object is not an error.
     */
    public void delete(Target target) throws IOException {
        Reply head = swift.exchange(target.call("HEAD", ""));
        if (head.status() == 404) {
            return;
        }
        expect(head, 200, target.object());
        if (!"true".equalsIgnoreCase(head.header("X-Static-Large-Object"))) {
            Reply reply = swift.exchange(target.call("DELETE", ""));
            if (reply.status() != 404) {
                expect(reply, 204, target.object());
            }
            return;
        }
        Reply reply = swift.exchange(target.call("DELETE", "?multipart-manifest=delete").header("Accept", "application/json"));
        if (reply.status() == 404) {
            return;
        }
        expect(reply, 200, target.object());
        JsonNode result = parse(reply.body());
        JsonNode errors = result == null ? null : result.get("Errors");
        boolean failed = result == null || result.path("Response Status").asString("").matches("^[45].*");
        if (failed || (errors != null && errors.isArray() && !errors.isEmpty())) {
            throw new SwiftException("DELETE " + target.container() + "/" + target.object()
                    + " did not delete everything: " + reply.text(), 200);
        }
    }

    /**
     * The segment paths ({@code /container/name}) of the SLO at {@code target}, or empty if it is
     * absent or a plain object.
     */
    public List<String> manifestPaths(Target target) throws IOException {
        Reply reply = swift.exchange(target.call("GET", "?multipart-manifest=get&format=raw"));
        if (reply.status() == 404 || !"true".equalsIgnoreCase(reply.header("X-Static-Large-Object"))) {
            return List.of();
        }
        expect(reply, 200, target.object());
        JsonNode manifest = parse(reply.body());
        List<String> paths = new ArrayList<>();
        if (manifest != null && manifest.isArray()) {
            for (JsonNode entry : manifest) {
                paths.add(entry.path("path").asString(entry.path("name").asString("")));
            }
        }
        return paths;
    }

    /** Deletes objects by name, logging (not throwing) what cannot be deleted: clean-up of a failure. */
    public void deleteSegments(String account, String container, List<String> names) {
        for (String name : names) {
            try {
                Reply r = swift.exchange(Call.of("DELETE", SwiftClient.objectPath(container, name)).in(account));
                if (r.status() != 204 && r.status() != 404) {
                    LOG.warn("could not delete segment {}/{}: HTTP {}", container, name, r.status());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not delete segment {}/{}: {}", container, name, e.toString());
            }
        }
    }

    /** Throws a {@link SwiftException} naming {@code what} unless the reply has {@code status}. */
    public static void expect(Reply reply, int status, String what) throws SwiftException {
        if (reply.status() != status) {
            String text = reply.text();
            throw new SwiftException("Swift answered HTTP " + reply.status() + " for " + what
                    + (text.isBlank() ? "" : ": " + text.substring(0, Math.min(300, text.length())).strip()), reply.status());
        }
    }

    private static boolean atEnd(PushbackInputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            return true;
        }
        in.unread(b);
        return false;
    }

    static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return null;
        }
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5"); // Swift's ETag, not a security check
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** At most {@code limit} bytes of {@code in}, digested as they pass; close does not close {@code in}. */
    private static final class BoundedDigestStream extends InputStream {
        private final InputStream in;
        private final long limit;
        private final MessageDigest digest;
        private final Progress progress;
        private long count;

        BoundedDigestStream(InputStream in, long limit, MessageDigest digest, Progress progress) {
            this.in = in;
            this.limit = limit;
            this.digest = digest;
            this.progress = progress;
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (count >= limit) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, limit - count));
            if (n > 0) {
                digest.update(b, off, n);
                count += n;
                progress.sent(count);
            }
            return n;
        }

        @Override
        public void close() {
            // the caller's stream stays open for the next segment
        }
    }
}
