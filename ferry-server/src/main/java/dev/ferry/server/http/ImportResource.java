package dev.ferry.server.http;

import dev.ferry.server.identity.Identity;
import dev.ferry.server.images.ImageService;
import dev.ferry.server.tasks.ImageImportService;
import dev.ferry.server.tasks.Task;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Glance's interoperable image import on {@code /v2/images}: {@code PUT /{id}/stage} (data for
 * glance-direct), {@code POST /{id}/import} (202, an {@code api_image_import} task) and
 * {@code GET /{id}/tasks}. Registered before {@link ImagesResource}, which serves the rest.
 */
public final class ImportResource implements HttpService {

    /** Glance shows an image's tasks as database rows: oslo's datetime text, microseconds, no zone. */
    private static final DateTimeFormatter ROW_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS")
            .withZone(ZoneOffset.UTC);

    private final ImageImportService imports;
    private final ImageService images;
    private final ApiSupport api;

    public ImportResource(ImageImportService imports, ImageService images, ApiSupport api) {
        this.imports = imports;
        this.images = images;
        this.api = api;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.put("/{id}/stage", this::stage)
                .any("/{id}/stage", ApiSupport.methodsAllowed("PUT"))
                .post("/{id}/import", this::importImage)
                .any("/{id}/import", ApiSupport.methodsAllowed("POST"))
                .get("/{id}/tasks", this::tasks)
                .any("/{id}/tasks", ApiSupport.methodsAllowed("GET"));
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private void stage(ServerRequest req, ServerResponse res) throws IOException {
        Identity who = api.identity(req);
        if (!imports.glanceDirectEnabled()) {
            throw new ApiException(Status.NOT_FOUND_404, "'glance-direct' method is not available at this site.");
        }
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!type.split(";", 2)[0].strip().equalsIgnoreCase("application/octet-stream")) {
            throw new ApiException(Status.UNSUPPORTED_MEDIA_TYPE_415, "Unsupported Content-Type: staged data must be "
                    + "sent as application/octet-stream.");
        }
        images.requestedStore(ImagesResource.storeHeader(req)); // checked as Glance's upload does; staging is internal
        long length = req.headers().contentLength().orElse(-1);
        InputStream body = req.content().hasEntity() ? req.content().inputStream() : InputStream.nullInputStream();
        try (InputStream in = body) {
            images.stage(who, id(req), in, length);
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    private void importImage(ServerRequest req, ServerResponse res) {
        Identity who = api.identity(req);
        JsonNode body = api.readJson(req);
        imports.importImage(who, id(req), body, api.requestId(req), ImagesResource.storeHeader(req));
        res.status(Status.ACCEPTED_202).send();
    }

    private void tasks(ServerRequest req, ServerResponse res) {
        List<Task> tasks = imports.tasksOf(api.identity(req), id(req));
        ObjectNode body = api.json().createObjectNode();
        ArrayNode list = body.putArray("tasks");
        for (Task t : tasks) {
            list.add(row(t));
        }
        api.send(res, Status.OK_200, body);
    }

    /** A task as Glance's {@code GET /v2/images/{id}/tasks} shows it: the row's columns. */
    private ObjectNode row(Task t) {
        ObjectNode n = api.json().createObjectNode();
        n.put("id", t.id().toString());
        n.put("type", t.type().value());
        n.put("status", t.status().value());
        n.put("owner", t.owner());
        n.put("expires_at", time(t.expiresAt()));
        n.put("created_at", time(t.createdAt()));
        n.put("updated_at", time(t.updatedAt()));
        n.putNull("deleted_at");
        n.put("deleted", false);
        n.put("image_id", t.imageId());
        n.put("request_id", t.requestId());
        n.put("user_id", t.userId());
        // stored by Ferry from a parsed JSON object, bounded by the column
        n.set("input", t.input() == null ? null : api.json().readTree(t.input()));
        n.set("result", t.result() == null ? null : api.json().readTree(t.result()));
        n.put("message", t.message());
        return n;
    }

    private static String time(Instant t) {
        return t == null ? null : ROW_TIME.format(t);
    }
}
