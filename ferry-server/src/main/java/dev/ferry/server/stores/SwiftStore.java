package dev.ferry.server.stores;

import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftClient.Call;
import dev.ferry.server.objectstorage.SwiftClient.Reply;
import dev.ferry.server.objectstorage.SwiftException;
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
import java.util.Objects;
import java.util.UUID;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * A {@link BlobStore} in one Swift container of the operator's account.
 *
 * <p>A blob that fits in one segment ({@code segmentBytes}) is a plain object. A larger one is a
 * Static Large Object: its data is streamed as segments into {@code <container>_segments} under
 * {@code <key>/<upload id>/<n>} (each segment one chunked PUT read straight from the caller's
 * stream, its MD5 checked against Swift's ETag), then the manifest is PUT under the key. Nothing
 * is buffered beyond {@link #SMALL_BYTES} and the I/O buffers.
 *
 * <p>Atomic in the {@link BlobStore} sense: the key changes only with the final PUT (plain object,
 * server-side copy of a single segment, or manifest). If anything fails before, the segments
 * uploaded so far are deleted and the key keeps its previous blob; segments of a replaced SLO are
 * deleted after the new one is in place. Segments left by a crashed node stay in the segments
 * container under their upload id (nothing references them).
 */
public final class SwiftStore implements BlobStore {

    /** Blobs up to this size are read into memory and sent with one PUT. */
    static final int SMALL_BYTES = 1 << 20;
    /** Swift's default {@code max_manifest_segments}. */
    public static final int MAX_SEGMENTS = 1000;
    /** Swift's single-object limit (5 GiB + 2 bytes, {@code max_file_size}). */
    public static final long MAX_SEGMENT_BYTES = 5L * 1024 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(SwiftStore.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SwiftClient swift;
    private final String container;
    private final String segments;
    private final long segmentBytes;
    private volatile boolean containersReady;

    public SwiftStore(SwiftClient swift, String container, long segmentBytes) {
        this.swift = Objects.requireNonNull(swift, "swift");
        this.container = validateContainer(container);
        this.segments = validateContainer(container + "_segments");
        if (segmentBytes < 1 || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segment size must be 1 to " + MAX_SEGMENT_BYTES + " bytes: " + segmentBytes);
        }
        this.segmentBytes = segmentBytes;
    }

    public String container() {
        return container;
    }

    public String segmentContainer() {
        return segments;
    }

    static String validateContainer(String name) {
        if (name == null || name.isEmpty() || name.length() > 256 || name.contains("/")
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("bad Swift container name: " + name);
        }
        return name;
    }

    @Override
    public StoredBlob put(String key, InputStream data) throws IOException {
        FileStore.validateKey(key);
        Objects.requireNonNull(data, "data");
        ensureContainers();
        List<String> oldSegments = sloSegments(key);
        byte[] head = data.readNBytes((int) Math.min(SMALL_BYTES, segmentBytes));
        // room to push back the head and one peeked byte: the stream is then read as one again
        PushbackInputStream in = new PushbackInputStream(data, head.length + 1);
        long size;
        if (head.length < Math.min(SMALL_BYTES, segmentBytes) || atEnd(in)) {
            size = head.length;
            expect(swift.exchange(Call.of("PUT", path(container, key))
                    .header("ETag", md5Hex(head, head.length))
                    .body(new ByteArrayEntity(head, ContentType.APPLICATION_OCTET_STREAM))), 201, key);
        } else {
            in.unread(head);
            size = putSegmented(key, in);
        }
        deleteSegments(oldSegments);
        return new StoredBlob(key, "swift://" + container + "/" + key, size);
    }

    /** Streams segments, then links them. */
    private long putSegmented(String key, PushbackInputStream in) throws IOException {
        String prefix = key + "/" + UUID.randomUUID() + "/";
        List<Segment> uploaded = new ArrayList<>();
        String inFlight = null;
        boolean done = false;
        try {
            long total = 0;
            do {
                if (uploaded.size() >= MAX_SEGMENTS) {
                    throw new IOException("blob " + key + " needs more than " + MAX_SEGMENTS + " segments of "
                            + segmentBytes + " bytes; raise swift.segment_bytes");
                }
                String name = prefix + String.format(Locale.ROOT, "%08d", uploaded.size());
                inFlight = name;
                Segment segment = putSegment(name, in);
                uploaded.add(segment);
                inFlight = null;
                total += segment.size();
            } while (!atEnd(in));
            if (uploaded.size() == 1) {
                // fits in one segment after all: a plain object, copied inside Swift
                expect(swift.exchange(Call.of("PUT", path(container, key))
                        .header("X-Copy-From", "/" + SwiftClient.objectPath(segments, uploaded.get(0).name()))
                        .body(empty())), 201, key);
            } else {
                ArrayNode manifest = JSON.createArrayNode();
                for (Segment s : uploaded) {
                    manifest.addObject().put("path", "/" + segments + "/" + s.name()).put("etag", s.etag())
                            .put("size_bytes", s.size());
                }
                byte[] body = JSON.writeValueAsBytes(manifest);
                expect(swift.exchange(Call.of("PUT", path(container, key) + "?multipart-manifest=put")
                        .body(new ByteArrayEntity(body, ContentType.APPLICATION_JSON))), 201, key);
            }
            done = true;
            if (uploaded.size() == 1) {
                deleteSegments(List.of(uploaded.get(0).name()));
            }
            return total;
        } finally {
            if (!done) {
                List<String> names = new ArrayList<>(uploaded.stream().map(Segment::name).toList());
                if (inFlight != null) {
                    names.add(inFlight); // normally never stored (the upload was cut), but be sure
                }
                deleteSegments(names);
            }
        }
    }

    private record Segment(String name, String etag, long size) {
    }

    private Segment putSegment(String name, InputStream in) throws IOException {
        MessageDigest md5 = md5();
        BoundedDigestStream body = new BoundedDigestStream(in, segmentBytes, md5);
        Reply reply = swift.exchangeStreaming(Call.of("PUT", path(segments, name)), body);
        expect(reply, 201, name);
        String etag = HexFormat.of().formatHex(md5.digest());
        String returned = reply.header("ETag");
        if (returned == null || !etag.equalsIgnoreCase(returned.replace("\"", ""))) {
            throw new IOException("segment " + name + " arrived damaged: ETag " + returned + ", sent MD5 " + etag);
        }
        return new Segment(name, etag, body.count());
    }

    @Override
    public InputStream get(String key) throws IOException {
        ClassicHttpResponse response = swift.open(Call.of("GET", path(container, key)));
        int status = response.getCode();
        if (status == 200 && response.getEntity() != null) {
            return new ResponseStream(response);
        }
        response.close();
        if (status == 404) {
            throw new NoSuchBlobException(key);
        }
        throw new SwiftException("GET " + container + "/" + key + ": HTTP " + status, status);
    }

    @Override
    public long size(String key) throws IOException {
        Reply reply = swift.exchange(Call.of("HEAD", path(container, key)));
        if (reply.status() == 404) {
            throw new NoSuchBlobException(key);
        }
        expect(reply, 200, key);
        String length = reply.header("Content-Length");
        try {
            return Long.parseLong(Objects.requireNonNull(length, "no Content-Length"));
        } catch (RuntimeException e) {
            throw new SwiftException("HEAD " + container + "/" + key + ": no usable Content-Length", reply.status());
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Reply head = swift.exchange(Call.of("HEAD", path(container, key)));
        if (head.status() == 404) {
            return;
        }
        expect(head, 200, key);
        if (!"true".equalsIgnoreCase(head.header("X-Static-Large-Object"))) {
            Reply reply = swift.exchange(Call.of("DELETE", path(container, key)));
            if (reply.status() != 404) {
                expect(reply, 204, key);
            }
            return;
        }
        // the manifest and every segment it lists, in one request
        Reply reply = swift.exchange(Call.of("DELETE", path(container, key) + "?multipart-manifest=delete")
                .header("Accept", "application/json"));
        if (reply.status() == 404) {
            return;
        }
        expect(reply, 200, key);
        JsonNode result = parse(reply.body());
        JsonNode errors = result == null ? null : result.get("Errors");
        boolean failed = result == null || result.path("Response Status").asString("").matches("^[45].*");
        if (failed || (errors != null && errors.isArray() && !errors.isEmpty())) {
            throw new SwiftException("DELETE " + container + "/" + key + " did not delete everything: " + reply.text(), 200);
        }
    }

    /** The segment names of the SLO stored under {@code key}, or empty if it is absent or a plain object. */
    private List<String> sloSegments(String key) throws IOException {
        Reply reply = swift.exchange(Call.of("GET", path(container, key) + "?multipart-manifest=get&format=raw"));
        if (reply.status() == 404 || !"true".equalsIgnoreCase(reply.header("X-Static-Large-Object"))) {
            return List.of();
        }
        expect(reply, 200, key);
        JsonNode manifest = parse(reply.body());
        List<String> names = new ArrayList<>();
        String mine = "/" + segments + "/" + key + "/";
        if (manifest != null && manifest.isArray()) {
            for (JsonNode entry : manifest) {
                String p = entry.path("path").asString(entry.path("name").asString(""));
                if (p.startsWith(mine)) { // only segments this store wrote for this key
                    names.add(p.substring(("/" + segments + "/").length()));
                }
            }
        }
        return names;
    }

    private void deleteSegments(List<String> names) {
        for (String name : names) {
            try {
                Reply r = swift.exchange(Call.of("DELETE", path(segments, name)));
                if (r.status() != 204 && r.status() != 404) {
                    LOG.warn("could not delete segment {}/{}: HTTP {}", segments, name, r.status());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not delete segment {}/{}: {}", segments, name, e.toString());
            }
        }
    }

    private void ensureContainers() throws IOException {
        if (containersReady) {
            return;
        }
        for (String c : List.of(container, segments)) {
            Reply r = swift.exchange(Call.of("PUT", SwiftClient.encodeName(c)).body(empty()));
            if (r.status() != 201 && r.status() != 202) {
                throw new SwiftException("cannot create Swift container " + c + ": HTTP " + r.status(), r.status());
            }
        }
        containersReady = true;
    }

    private static ByteArrayEntity empty() {
        return new ByteArrayEntity(new byte[0], null);
    }

    private static String path(String container, String object) {
        return SwiftClient.objectPath(container, object);
    }

    private void expect(Reply reply, int status, String what) throws SwiftException {
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

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5"); // Swift's ETag, not a security check
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String md5Hex(byte[] data, int len) {
        MessageDigest md = md5();
        md.update(data, 0, len);
        return HexFormat.of().formatHex(md.digest());
    }

    /** At most {@code limit} bytes of {@code in}, digested as they pass; close does not close {@code in}. */
    private static final class BoundedDigestStream extends InputStream {
        private final InputStream in;
        private final long limit;
        private final MessageDigest digest;
        private long count;

        BoundedDigestStream(InputStream in, long limit, MessageDigest digest) {
            this.in = in;
            this.limit = limit;
            this.digest = digest;
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
            }
            return n;
        }

        @Override
        public void close() {
            // the caller's stream stays open for the next segment
        }
    }

    /** A GET body that releases its connection when closed, aborting the transfer if not read to the end. */
    static final class ResponseStream extends InputStream {
        private final ClassicHttpResponse response;
        private final InputStream in;

        ResponseStream(ClassicHttpResponse response) throws IOException {
            this.response = response;
            this.in = response.getEntity().getContent();
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            response.close(); // closes the connection unless the entity was fully consumed
        }
    }
}
