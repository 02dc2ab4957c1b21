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
                .any("/{id}/file", (req, res) -> {
                    throw ApiException.notAllowed(req.prologue().method().text(), "GET");
                })
                .any("/{id}", (req, res) -> {
                    throw ApiException.notAllowed(req.prologue().method().text(), "GET");
                });
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
            if (image.size() != null) {
                res.contentLength(image.size());
            }
            try (OutputStream out = res.outputStream()) {
                in.transferTo(out);
            }
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
