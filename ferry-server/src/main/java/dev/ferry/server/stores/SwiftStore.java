package dev.ferry.server.stores;

import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftClient.Call;
import dev.ferry.server.objectstorage.SwiftClient.Reply;
import dev.ferry.server.objectstorage.SwiftException;
import dev.ferry.server.objectstorage.SwiftLargeObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link BlobStore} in one Swift container of the operator's account.
 *
 * <p>A blob that fits in one segment ({@code segmentBytes}) is a plain object. A larger one is a
 * Static Large Object ({@link SwiftLargeObjects}, shared with the export task): its data is
 * streamed as segments into {@code <container>_segments} under {@code <key>/<upload id>/<n>}
 * (each segment one chunked PUT read straight from the caller's stream, its MD5 checked against
 * Swift's ETag), then the manifest is PUT under the key. Nothing
 * is buffered beyond {@link #SMALL_BYTES} and the I/O buffers.
 *
 * <p>Atomic in the {@link BlobStore} sense: the key changes only with the final PUT (plain object,
 * server-side copy of a single segment, or manifest). If anything fails before, the segments
 * uploaded so far are deleted and the key keeps its previous blob; segments of a replaced SLO are
 * deleted after the new one is in place. Segments left by a killed process stay in the segments
 * container under their upload id until {@link #sweepAbandonedSegments} removes them.
 */
public final class SwiftStore implements BlobStore {

    /** Blobs up to this size are read into memory and sent with one PUT. */
    static final int SMALL_BYTES = 1 << 20;
    /** Swift's default {@code max_manifest_segments}. */
    public static final int MAX_SEGMENTS = SwiftLargeObjects.MAX_SEGMENTS;
    /** Swift's single-object limit (5 GiB + 2 bytes, {@code max_file_size}). */
    public static final long MAX_SEGMENT_BYTES = SwiftLargeObjects.MAX_SEGMENT_BYTES;

    private static final Logger LOG = LoggerFactory.getLogger(SwiftStore.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SwiftClient swift;
    private final String container;
    private final String segments;
    private final long segmentBytes;
    private final SwiftLargeObjects large;
    private volatile boolean containersReady;

    public SwiftStore(SwiftClient swift, String container, long segmentBytes) {
        this.swift = Objects.requireNonNull(swift, "swift");
        this.container = validateContainer(container);
        this.segments = validateContainer(container + "_segments");
        if (segmentBytes < 1 || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segment size must be 1 to " + MAX_SEGMENT_BYTES + " bytes: " + segmentBytes);
        }
        this.segmentBytes = segmentBytes;
        this.large = new SwiftLargeObjects(swift, segmentBytes);
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

    /** Streams segments, then links them (a single segment is copied to a plain object). */
    private long putSegmented(String key, PushbackInputStream in) throws IOException {
        return large.putSegmented(new SwiftLargeObjects.Target(null, container, key), segments,
                key + "/" + UUID.randomUUID() + "/", in, Map.of(), true, SwiftLargeObjects.Progress.NONE);
    }

    @Override
    public InputStream get(String key) throws IOException {
        SwiftClient.Response response = swift.open(Call.of("GET", path(container, key)));
        int status = response.status();
        if (status == 200) {
            return response.body();
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
        large.delete(new SwiftLargeObjects.Target(null, container, key));
    }

    /**
     * Deletes segments that no manifest uses: uploads of a process killed mid-put. An upload's
     * segments are deleted together, and only when its newest segment is older than {@code minAge}
     * and the key's current manifest does not name this upload; pass an age longer than one segment
     * can take to upload, so that uploads still running on other nodes are kept.
     *
     * @return how many segments were deleted
     */
    public int sweepAbandonedSegments(Duration minAge, Clock clock) throws IOException {
        Instant cutoff = clock.instant().minus(minAge);
        ensureContainers();
        int deleted = 0;
        String marker = "";
        List<String> group = new ArrayList<>();
        String groupPrefix = null;
        Instant groupNewest = Instant.MIN;
        while (true) {
            Reply page = swift.exchange(Call.of("GET", SwiftClient.encodeName(segments) + "?format=json&limit=1000&marker="
                    + SwiftClient.encodeName(marker)));
            if (page.status() == 204 || page.status() == 404) {
                break;
            }
            expect(page, 200, segments);
            JsonNode list = parse(page.body());
            if (list == null || !list.isArray() || list.isEmpty()) {
                break;
            }
            String last = marker;
            for (JsonNode entry : list) {
                String name = entry.path("name").asString("");
                if (name.compareTo(last) <= 0) {
                    throw new SwiftException("listing of " + segments + " is not in order at " + name, page.status());
                }
                last = name;
                String prefix = uploadPrefix(name);
                if (prefix == null) {
                    continue; // not written by this store
                }
                if (!prefix.equals(groupPrefix)) {
                    deleted += sweepGroup(groupPrefix, group, groupNewest, cutoff);
                    groupPrefix = prefix;
                    group = new ArrayList<>();
                    groupNewest = Instant.MIN;
                }
                if (group.size() <= MAX_SEGMENTS) { // more cannot come from this store; the rest waits for a later sweep
                    group.add(name);
                }
                Instant modified = lastModified(entry.path("last_modified").asString(""));
                groupNewest = modified.isAfter(groupNewest) ? modified : groupNewest;
            }
            marker = last;
        }
        deleted += sweepGroup(groupPrefix, group, groupNewest, cutoff);
        return deleted;
    }

    private int sweepGroup(String prefix, List<String> names, Instant newest, Instant cutoff) throws IOException {
        if (prefix == null || names.isEmpty() || !newest.isBefore(cutoff)) {
            return 0;
        }
        String key = prefix.substring(0, prefix.indexOf('/'));
        String upload = prefix.substring(key.length() + 1, prefix.length() - 1);
        for (String used : sloSegments(key)) {
            if (used.startsWith(key + "/" + upload + "/")) {
                return 0; // the live blob
            }
        }
        deleteSegments(names);
        LOG.info("deleted {} abandoned segment(s) of upload {} of {}", names.size(), upload, key);
        return names.size();
    }

    /** {@code key/uploadId/} of a segment name this store writes ({@code key/uuid/nnnnnnnn}), else null. */
    static String uploadPrefix(String name) {
        String[] parts = name.split("/", -1);
        if (parts.length != 3 || parts[1].length() != 36 || !parts[2].matches("[0-9]{8}")) {
            return null;
        }
        try {
            FileStore.validateKey(parts[0]);
            UUID.fromString(parts[1]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return parts[0] + "/" + parts[1] + "/";
    }

    /** Swift's listing time, UTC without a zone ({@code 2026-11-22T22:56:51.123450}); unparsable = now (kept). */
    private static Instant lastModified(String text) {
        try {
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return Instant.MAX;
        }
    }

    /** The segment names of the SLO stored under {@code key}, or empty if it is absent or a plain object. */
    private List<String> sloSegments(String key) throws IOException {
        List<String> names = new ArrayList<>();
        String mine = "/" + segments + "/" + key + "/";
        for (String p : large.manifestPaths(new SwiftLargeObjects.Target(null, container, key))) {
            if (p.startsWith(mine)) { // only segments this store wrote for this key
                names.add(p.substring(("/" + segments + "/").length()));
            }
        }
        return names;
    }

    private void deleteSegments(List<String> names) {
        large.deleteSegments(null, segments, names);
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

    private static void expect(Reply reply, int status, String what) throws SwiftException {
        SwiftLargeObjects.expect(reply, status, what);
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

    private static String md5Hex(byte[] data, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5"); // Swift's ETag, not a security check
            md.update(data, 0, len);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
