package dev.ferry.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code /v2/schemas/task(s)} (served from the enforced schema files) {@code /v2/schemas/image(s)} (the image schema is enforced too) and
 * {@code /v2/schemas/member(s)}, and the metadata definitions' {@code /v2/schemas/metadefs/{name}} (served as Glance's,
 * see {@link Schemas#METADEF_SCHEMAS}). */
public final class SchemasResource implements HttpService {

    private final Schemas schemas;

    public SchemasResource(Schemas schemas) {
        this.schemas = schemas;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/task", this::task)
                .get("/tasks", this::tasks)
                .get("/image", this::image)
                .get("/images", this::images)
                .get("/member", (req, res) -> sendJson(res, schemas.memberDocument()))
                .get("/members", (req, res) -> sendJson(res, schemas.membersDocument()))
                .get("/metadefs/{name}", this::metadef)
                .any("/metadefs/{name}", (req, res) -> {
                    schemas.metadefDocument(req.path().pathParameters().get("name")).orElseThrow(SchemasResource::notFound);
                    notAllowed(req, res);
                })
                .any("/member", SchemasResource::notAllowed)
                .any("/members", SchemasResource::notAllowed)
                .any("/image", SchemasResource::notAllowed)
                .any("/images", SchemasResource::notAllowed)
                .any("/task", SchemasResource::notAllowed)
                .any("/tasks", SchemasResource::notAllowed);
    }

    private void metadef(ServerRequest req, ServerResponse res) {
        byte[] doc = schemas.metadefDocument(req.path().pathParameters().get("name")).orElseThrow(SchemasResource::notFound);
        sendJson(res, doc);
    }

    private void task(ServerRequest req, ServerResponse res) {
        sendJson(res, schemas.taskDocument());
    }

    private void tasks(ServerRequest req, ServerResponse res) {
        sendJson(res, schemas.tasksDocument());
    }

    private void image(ServerRequest req, ServerResponse res) {
        sendJson(res, schemas.imageDocument());
    }

    private void images(ServerRequest req, ServerResponse res) {
        sendJson(res, schemas.imagesDocument());
    }

    private static void sendJson(ServerResponse res, byte[] body) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }

    private static ApiException notFound() {
        return new ApiException(Status.NOT_FOUND_404, "The resource could not be found.");
    }

    private static void notAllowed(ServerRequest req, ServerResponse res) {
        throw ApiException.notAllowed(req.prologue().method().text(), "GET");
    }
}
