package dev.ferry.server.http;

import dev.ferry.server.images.Image;
import dev.ferry.server.images.ImageService;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /v2/images/{id}} and {@code GET /v2/images/{id}/file}. */
public final class ImagesResource implements HttpService {

    private final ImageService images;
    private final ApiSupport api;

    public ImagesResource(ImageService images, ApiSupport api) {
        this.images = images;
        this.api = api;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/{id}", this::show)
                .get("/{id}/file", this::download)
                .any("/{id}/file", ImagesResource::notAllowed)
                .any("/{id}", ImagesResource::notAllowed);
    }

    private static void notAllowed(ServerRequest req, ServerResponse res) {
        throw ApiException.notAllowed(req.prologue().method().text(), "GET");
    }

    private void show(ServerRequest req, ServerResponse res) {
        Image image = images.get(api.identity(req), req.path().pathParameters().get("id"));
        api.send(res, Status.OK_200, view(image));
    }

    private void download(ServerRequest req, ServerResponse res) throws IOException {
        Image image = images.get(api.identity(req), req.path().pathParameters().get("id"));
        Optional<InputStream> data = images.openData(image);
        if (data.isEmpty()) {
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        try (InputStream in = data.get()) {
            res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
            if (image.checksum() != null) {
                res.header("Content-MD5", image.checksum());
            }
            long size = image.size() == null ? -1 : image.size();
            Optional<String> range = req.headers().first(HeaderNames.RANGE);
            if (range.isPresent() && size >= 0) {
                long[] r = parseRange(range.get(), size);
                if (r == null) {
                    res.header(HeaderNames.CONTENT_RANGE, "bytes */" + size);
                    throw new ApiException(Status.REQUESTED_RANGE_NOT_SATISFIABLE_416,
                            "Requested range not satisfiable: " + range.get());
                }
                in.skipNBytes(r[0]);
                res.status(Status.PARTIAL_CONTENT_206);
                res.header(HeaderNames.CONTENT_RANGE, "bytes " + r[0] + "-" + r[1] + "/" + size);
                res.contentLength(r[1] - r[0] + 1);
                try (OutputStream out = res.outputStream()) {
                    copy(in, out, r[1] - r[0] + 1);
                }
                return;
            }
            if (size >= 0) {
                res.contentLength(size);
            }
            try (OutputStream out = res.outputStream()) {
                in.transferTo(out);
            }
        }
    }

    /** One range {@code bytes=A-B}, {@code bytes=A-} or {@code bytes=-N}; null if not satisfiable or not understood. */
    static long[] parseRange(String header, long size) {
        String h = header.strip();
        if (!h.startsWith("bytes=") || h.contains(",") || size == 0 || h.length() > 100) {
            return null;
        }
        String spec = h.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).strip();
            String b = spec.substring(dash + 1).strip();
            long first;
            long last;
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix <= 0) {
                    return null;
                }
                first = Math.max(0, size - suffix);
                last = size - 1;
            } else {
                first = Long.parseLong(a);
                last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            }
            if (first < 0 || first > last || first >= size) {
                return null;
            }
            return new long[] {first, last};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void copy(InputStream in, OutputStream out, long count) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = count;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("image data ended early");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private ObjectNode view(Image i) {
        ObjectNode n = api.json().createObjectNode();
        n.put("name", i.name());
        n.put("disk_format", i.diskFormat());
        n.put("container_format", i.containerFormat());
        n.put("visibility", i.visibility());
        putLong(n, "size", i.size());
        putLong(n, "virtual_size", i.virtualSize());
        n.put("status", i.status());
        n.put("checksum", i.checksum());
        n.put("protected", i.isProtected());
        n.put("min_ram", i.minRam());
        n.put("min_disk", i.minDisk());
        n.put("owner", i.owner());
        n.put("os_hidden", false);
        n.put("os_hash_algo", i.osHashAlgo());
        n.put("os_hash_value", i.osHashValue());
        n.put("id", i.id().toString());
        n.put("created_at", TaskViews.time(i.createdAt()));
        n.put("updated_at", TaskViews.time(i.updatedAt()));
        n.putArray("tags");
        for (Map.Entry<String, String> p : i.properties().entrySet()) {
            if (!n.has(p.getKey())) {
                n.put(p.getKey(), p.getValue());
            }
        }
        n.put("self", "/v2/images/" + i.id());
        n.put("file", "/v2/images/" + i.id() + "/file");
        n.put("schema", "/v2/schemas/image");
        return n;
    }

    private static void putLong(ObjectNode n, String key, Long value) {
        if (value == null) {
            n.putNull(key);
        } else {
            n.put(key, value.longValue());
        }
    }
}
