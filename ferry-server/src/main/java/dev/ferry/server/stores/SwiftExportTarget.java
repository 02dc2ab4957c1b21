package dev.ferry.server.stores;

import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftClient.Call;
import dev.ferry.server.objectstorage.SwiftClient.Reply;
import dev.ferry.server.objectstorage.SwiftException;
import dev.ferry.server.objectstorage.SwiftLargeObjects;
import dev.ferry.server.objectstorage.SwiftLargeObjects.Target;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A project's own Swift account ("Cloud Files") as the receiver of exported images, reached with
 * the operator's reseller-admin credentials: the account is {@code resellerPrefix + project},
 * where the project is the authenticated task owner, never anything from the task input.
 *
 * <p>An object is created only if its name is free ({@code If-None-Match: *} on the final PUT,
 * so two exports racing for one name cannot overwrite each other) and carries the metadata
 * {@code X-Object-Meta-Ferry-Export: <tag>}, by which a retry or a clean-up recognises what it
 * wrote itself and deletes nothing else. Objects above the segment size are Static Large Objects
 * whose segments are stored in the same container under {@code <object>-<tag>/nnnnnnnn}.
 */
public final class SwiftExportTarget {

    /** The metadata header naming the export (task and attempt) that wrote an object. */
    public static final String TAG_HEADER = "X-Object-Meta-Ferry-Export";
    /** Largest number of names one listing page returns. */
    private static final int PAGE = 1000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SwiftClient swift;
    private final String resellerPrefix;
    private final SwiftLargeObjects large;

    public SwiftExportTarget(SwiftClient swift, String resellerPrefix, long segmentBytes) {
        this.swift = Objects.requireNonNull(swift, "swift");
        this.resellerPrefix = Objects.requireNonNull(resellerPrefix, "resellerPrefix");
        this.large = new SwiftLargeObjects(swift, segmentBytes);
    }

    public long segmentBytes() {
        return large.segmentBytes();
    }

    /**
     * Throws {@link IllegalArgumentException} if {@code project} cannot name a Swift account
     * (see {@link SwiftClient#projectAccount}); every other method would throw it too.
     */
    public void checkProject(String project) {
        account(project);
    }

    private String account(String project) {
        return SwiftClient.projectAccount(resellerPrefix, project);
    }

    /** True if the container exists in the project's account. */
    public boolean containerExists(String project, String container) throws IOException {
        Reply r = swift.exchange(Call.of("HEAD", SwiftClient.encodeName(container)).in(account(project)));
        if (r.status() == 404) {
            return false;
        }
        if (r.status() / 100 != 2) {
            throw new SwiftException("Swift answered HTTP " + r.status() + " for container " + container, r.status());
        }
        return true;
    }

    /** What is stored under a name: absent, or present with the export tag it carries (null if none). */
    public record Existing(boolean exists, String tag) {
        static final Existing ABSENT = new Existing(false, null);
    }

    public Existing object(String project, String container, String object) throws IOException {
        Reply r = swift.exchange(new Target(account(project), container, object).call("HEAD", ""));
        if (r.status() == 404) {
            return Existing.ABSENT;
        }
        SwiftLargeObjects.expect(r, 200, container + "/" + object);
        return new Existing(true, r.header(TAG_HEADER));
    }

    /** Thrown when the name was taken between the check and the final PUT (HTTP 412). */
    public static final class NameTakenException extends IOException {
        private static final long serialVersionUID = 1L;

        NameTakenException(String name) {
            super("an object named " + name + " appeared while exporting");
        }
    }

    /**
     * Writes {@code size} bytes of {@code data} as {@code container/object}, tagged {@code tag}; a
     * plain object up to the segment size, else an SLO. Nothing is left behind if this throws.
     *
     * @throws NameTakenException if an object with that name exists by the time it is created
     */
    public long write(String project, String container, String object, String tag, InputStream data, long size,
                      SwiftLargeObjects.Progress progress) throws IOException {
        String account = account(project);
        Target target = new Target(account, container, object);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("If-None-Match", "*");
        headers.put(TAG_HEADER, tag);
        headers.put("Content-Type", "application/octet-stream");
        try {
            if (size <= large.segmentBytes()) {
                SwiftLargeObjects.Segment s = large.putStreamed(target, data, size, headers, progress);
                if (s.size() != size) {
                    large.delete(target);
                    throw new IOException("only " + s.size() + " of " + size + " bytes could be read for " + object);
                }
                return s.size();
            }
            long stored = large.putSegmented(target, container, segmentPrefix(object, tag), data, headers, false, progress);
            if (stored != size) {
                large.delete(target);
                throw new IOException("only " + stored + " of " + size + " bytes could be read for " + object);
            }
            return stored;
        } catch (SwiftException e) {
            if (e.status() == 412) {
                throw new NameTakenException(container + "/" + object);
            }
            throw e;
        }
    }

    /** Where the segments of an SLO written with {@code tag} go, in the object's container. */
    static String segmentPrefix(String object, String tag) {
        return object + "-" + tag + "/";
    }

    /**
     * Removes what exports tagged with one of {@code tags} left under {@code object}: the object
     * itself if it carries one of them (with its segments), and segments under their prefixes
     * that no manifest uses any more. Objects written by anyone else are not touched.
     */
    public void removeLeftovers(String project, String container, String object, List<String> tags) throws IOException {
        String account = account(project);
        Target target = new Target(account, container, object);
        Existing existing = object(project, container, object);
        if (existing.exists() && existing.tag() != null && tags.contains(existing.tag())) {
            large.delete(target);
        }
        for (String tag : tags) {
            List<String> names = list(account, container, segmentPrefix(object, tag));
            large.deleteSegments(account, container, names);
        }
    }

    /** Names under {@code prefix} in a container (bounded: at most {@link SwiftLargeObjects#MAX_SEGMENTS} + 1). */
    private List<String> list(String account, String container, String prefix) throws IOException {
        List<String> names = new ArrayList<>();
        String marker = "";
        while (names.size() <= SwiftLargeObjects.MAX_SEGMENTS) {
            Reply page = swift.exchange(Call.of("GET", SwiftClient.encodeName(container) + "?format=json&limit=" + PAGE
                    + "&prefix=" + SwiftClient.encodeName(prefix) + "&marker=" + SwiftClient.encodeName(marker)).in(account));
            if (page.status() == 204 || page.status() == 404) {
                break;
            }
            SwiftLargeObjects.expect(page, 200, container);
            JsonNode list;
            try {
                list = JSON.readTree(new String(page.body(), StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                throw new SwiftException("unreadable listing of " + container, 200);
            }
            if (list == null || !list.isArray() || list.isEmpty()) {
                break;
            }
            String last = marker;
            for (JsonNode entry : list) {
                String name = entry.path("name").asString("");
                if (name.compareTo(last) <= 0 || !name.startsWith(prefix)) {
                    throw new SwiftException("listing of " + container + " is not in order at " + name, 200);
                }
                last = name;
                names.add(name);
            }
            marker = last;
        }
        return names;
    }
}
