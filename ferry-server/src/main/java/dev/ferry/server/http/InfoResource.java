package dev.ferry.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * Glance's discovery calls: {@code GET /v2/info/import} lists the enabled import methods;
 * {@code /v2/info/stores} (and {@code /detail}) answer 404 as Glance does without multistore,
 * since Ferry has exactly one store (docs/compatibility.md).
 */
public final class InfoResource implements HttpService {

    private final List<String> importMethods;
    private final ApiSupport api;

    public InfoResource(List<String> importMethods, ApiSupport api) {
        this.importMethods = List.copyOf(importMethods);
        this.api = api;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/import", this::importMethods)
                .any("/import", allow("GET"))
                .get("/stores", this::stores)
                .any("/stores", allow("GET"))
                .get("/stores/detail", this::stores)
                .any("/stores/detail", allow("GET"));
    }

    private static io.helidon.webserver.http.Handler allow(String methods) {
        return (req, res) -> {
            throw ApiException.notAllowed(req.prologue().method().text(), methods);
        };
    }

    /** Glance registers the info routes with body_reject. */
    private static void rejectBody(ServerRequest req) {
        if (req.headers().contentLength().orElse(0) > 0 || req.headers().contains(HeaderNames.TRANSFER_ENCODING)) {
            throw ApiException.badRequest("A body is not expected with this request.");
        }
    }

    private void importMethods(ServerRequest req, ServerResponse res) {
        api.identity(req);
        rejectBody(req);
        ObjectNode body = api.json().createObjectNode();
        ObjectNode methods = body.putObject("import-methods");
        methods.put("description", "Import methods available.");
        methods.put("type", "array");
        importMethods.forEach(methods.putArray("value")::add);
        api.send(res, Status.OK_200, body);
    }

    private void stores(ServerRequest req, ServerResponse res) {
        api.identity(req);
        rejectBody(req);
        throw new ApiException(Status.NOT_FOUND_404, "Multi backend is not supported at this site.");
    }
}
