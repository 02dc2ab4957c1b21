package dev.ferry.server.sources;

import dev.ferry.format.io.ReadSource;
import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftClient.Call;
import dev.ferry.server.objectstorage.SwiftClient.Reply;
import dev.ferry.server.objectstorage.SwiftException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads import sources from a project's Swift account ("Cloud Files") with the operator's
 * reseller-admin credentials: the account is {@code resellerPrefix + projectId}, where the project
 * comes from the authenticated task owner, never from the task input. Container and object names
 * come from the user and are checked ({@link #checkContainer}, {@link #checkObject}) and
 * percent-encoded, so they cannot reach another account or container.
 */
public final class SwiftSource {

    public static final int MAX_PROJECT_ID = SwiftClient.MAX_PROJECT_ID;
    public static final int MAX_CONTAINER_BYTES = 256;
    public static final int MAX_OBJECT_BYTES = 1024;

    private final SwiftClient swift;
    private final String resellerPrefix;
    private final long maxBytes;

    /**
     * @param swift          a client authenticated as a reseller admin
     * @param resellerPrefix e.g. {@code AUTH_} (tempauth, Keystone) or {@code MossoCloudFS_} (Rackspace)
     * @param maxBytes       the size cap of one source
     */
    public SwiftSource(SwiftClient swift, String resellerPrefix, long maxBytes) {
        this.swift = Objects.requireNonNull(swift, "swift");
        this.resellerPrefix = Objects.requireNonNull(resellerPrefix, "resellerPrefix");
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.maxBytes = maxBytes;
    }

    /** Opens {@code container/object} of the project's account for streaming; the caller closes it. */
    public OpenedStream open(String projectId, String container, String object) throws SourceException {
        Call call = call("GET", projectId, container, object);
        SwiftClient.Response response = send(call, container, object);
        boolean handedOver = false;
        try {
            int status = response.status();
            if (status != 200) {
                throw failure(status, projectId, container, object);
            }
            long length = response.contentLength();
            if (length > maxBytes) {
                throw new SourceException("object " + container + "/" + object + " is " + length
                        + " bytes, more than the size cap of " + maxBytes + " bytes");
            }
            InputStream body = new SourceBody(response.body(), response,
                    "object " + container + "/" + object, maxBytes);
            OpenedStream opened = new OpenedStream(body, length < 0 ? -1 : length, location(call));
            handedOver = true;
            return opened;
        } catch (SourceException e) {
            throw e;
        } catch (IOException e) {
            throw new SourceException("error reading object " + container + "/" + object + ": " + e.getMessage(), e);
        } finally {
            if (!handedOver) {
                closeQuietly(response);
            }
        }
    }

    /**
     * Opens {@code container/object} for positioned reads (HTTP Range GETs), for formats that are
     * read out of order. Every range is conditional on the ETag seen when opening: if the object is
     * replaced meanwhile, reads fail instead of mixing two objects.
     */
    public ReadSource openRanged(String projectId, String container, String object) throws SourceException {
        Call head = call("HEAD", projectId, container, object);
        Reply reply;
        try {
            reply = swift.exchange(head);
        } catch (IOException e) {
            throw translate(e, container, object);
        }
        if (reply.status() != 200) {
            throw failure(reply.status(), projectId, container, object);
        }
        long size;
        try {
            size = Long.parseLong(Objects.requireNonNullElse(reply.header("Content-Length"), "-1"));
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size < 0) {
            throw new SourceException("object " + container + "/" + object + " has no usable size");
        }
        if (size > maxBytes) {
            throw new SourceException("object " + container + "/" + object + " is " + size
                    + " bytes, more than the size cap of " + maxBytes + " bytes");
        }
        return new Ranged(call("GET", projectId, container, object), container + "/" + object, size,
                reply.header("ETag"));
    }

    /** Checks a container name as Swift defines it (1-256 bytes, no slash, no control characters). */
    public static String checkContainer(String container) throws SourceException {
        if (container == null || container.isEmpty()) {
            throw new SourceException("the container name is empty");
        }
        if (container.getBytes(StandardCharsets.UTF_8).length > MAX_CONTAINER_BYTES) {
            throw new SourceException("container name longer than " + MAX_CONTAINER_BYTES + " bytes");
        }
        if (container.contains("/") || container.equals(".") || container.equals("..") || hasControl(container)) {
            throw new SourceException("invalid container name: " + printable(container));
        }
        return container;
    }

    /** Checks an object name (1-1024 bytes, no control characters, no leading slash, no . or .. segment). */
    public static String checkObject(String object) throws SourceException {
        if (object == null || object.isEmpty()) {
            throw new SourceException("the object name is empty");
        }
        if (object.getBytes(StandardCharsets.UTF_8).length > MAX_OBJECT_BYTES) {
            throw new SourceException("object name longer than " + MAX_OBJECT_BYTES + " bytes");
        }
        if (object.startsWith("/") || hasControl(object)) {
            throw new SourceException("invalid object name: " + printable(object));
        }
        for (String segment : object.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new SourceException("invalid object name (. or .. segment): " + printable(object));
            }
        }
        return object;
    }

    private Call call(String method, String projectId, String container, String object) throws SourceException {
        String account;
        try {
            account = SwiftClient.projectAccount(resellerPrefix, projectId);
        } catch (IllegalArgumentException e) {
            throw new SourceException(e.getMessage());
        }
        return new Call(method, account, SwiftClient.objectPath(checkContainer(container),
                checkObject(object)), java.util.Map.of(), null);
    }

    private SwiftClient.Response send(Call call, String container, String object) throws SourceException {
        try {
            return swift.open(call);
        } catch (IOException e) {
            throw translate(e, container, object);
        }
    }

    private URI location(Call call) throws SourceException {
        try {
            return swift.uriOf(call);
        } catch (IOException e) {
            throw new SourceException("object storage is not reachable: " + e.getMessage(), e);
        }
    }

    private SourceException failure(int status, String projectId, String container, String object) {
        String name = container + "/" + object;
        if (status == 404) {
            boolean containerExists = true;
            try {
                Reply r = swift.exchange(new Call("HEAD", resellerPrefix + projectId, SwiftClient.encodeName(container),
                        java.util.Map.of(), null));
                containerExists = r.status() != 404;
            } catch (IOException e) {
                // keep the object message
            }
            return new SourceException(containerExists
                    ? "object " + name + " not found in your Cloud Files account"
                    : "container " + container + " not found in your Cloud Files account");
        }
        if (status == 401 || status == 403) {
            return new SourceException("access to object " + name + " was denied by object storage (HTTP " + status + ")");
        }
        if (status == 416) {
            return new SourceException("object " + name + " is empty");
        }
        return new SourceException("object storage answered HTTP " + status + " for object " + name);
    }

    private static SourceException translate(IOException e, String container, String object) {
        if (e instanceof SourceException s) {
            return s;
        }
        String msg = e.getMessage();
        if (e instanceof SwiftException se && (se.status() == 401 || se.status() == 403) && msg.contains("authentication")) {
            return new SourceException("Ferry could not authenticate to object storage to read " + container + "/"
                    + object + ": " + msg, e);
        }
        return new SourceException("cannot read object " + container + "/" + object + ": " + msg, e);
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(100).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return s.length() > 100 ? sb + "..." : sb.toString();
    }

    private static void closeQuietly(SwiftClient.Response response) {
        try {
            response.close();
        } catch (IOException | RuntimeException ignored) {
            // abandoning the response
        }
    }

    /** Range GETs of one object version; {@link #close} aborts the requests under way. */
    private final class Ranged implements ReadSource {
        /** Largest range fetched by one request. */
        static final int MAX_RANGE = 16 << 20;

        private final Call get;
        private final String name;
        private final long size;
        private final String etag;
        /** Cancels of the requests under way, so that {@link #close} can abort them from another thread. */
        private final Set<Runnable> inFlight = ConcurrentHashMap.newKeySet();
        private volatile boolean closed;

        Ranged(Call get, String name, long size, String etag) {
            this.get = get;
            this.name = name;
            this.size = size;
            this.etag = etag;
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
            Call call = get.header("Range", "bytes=" + position + "-" + (position + want - 1));
            if (etag != null) {
                call = call.header("If-Match", etag);
            }
            List<Runnable> mine = new ArrayList<>(2);
            try {
                return read(call, mine, position, buf, off, want);
            } catch (IOException e) {
                throw closed ? stopped() : e; // the abort, not the server
            } finally {
                inFlight.removeAll(mine);
            }
        }

        /**
         * Stops reading: requests under way are cancelled (a reader waiting on a silent server gets an
         * exception at once) and later reads fail. Safe from any thread.
         */
        @Override
        public void close() {
            closed = true;
            inFlight.forEach(Runnable::run);
        }

        private InterruptedIOException stopped() {
            return new InterruptedIOException("reads of object " + name + " were stopped");
        }

        private int read(Call call, List<Runnable> mine, long position, byte[] buf, int off, int want) throws IOException {
            SwiftClient.Response response;
            try {
                response = swift.open(call, cancel -> {
                    mine.add(cancel);
                    inFlight.add(cancel);
                    if (closed) {
                        cancel.run();
                    }
                });
            } catch (IOException e) {
                throw new SourceException("cannot read object " + name + " at " + position + ": " + e.getMessage(), e);
            }
            try (response) {
                int status = response.status();
                if (status == 412) {
                    throw new SourceException("object " + name + " changed while it was being read");
                }
                if (status != 206) {
                    throw new SourceException("object storage answered HTTP " + status + " to a range read of " + name);
                }
                String range = response.header("Content-Range");
                if (!ContentRange.parse(range).map(r -> r.is(position, position + want - 1, size)).orElse(false)) {
                    throw new SourceException("object storage sent the wrong range of " + name + ": asked bytes="
                            + position + "-" + (position + want - 1) + ", got Content-Range: "
                            + ContentRange.printable(range));
                }
                try (InputStream in = response.body()) {
                    int n = in.readNBytes(buf, off, want);
                    if (n < want) {
                        throw new SourceException("object storage sent " + n + " of the " + want + " bytes of a range "
                                + "read of " + name + " at " + position + " (short body)");
                    }
                    return n;
                } catch (IOException e) {
                    throw new SourceException("error reading object " + name + " at " + position + ": "
                            + HttpSource.rootMessage(e), e);
                }
            }
        }
    }
}
