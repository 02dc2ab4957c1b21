package dev.ferry.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import dev.ferry.server.identity.Identity;
import dev.ferry.server.images.ImageService;
import dev.ferry.server.stores.Stores;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Glance's discovery calls: {@code GET /v2/info/import} lists the enabled import methods;
 * {@code /v2/info/stores} lists the stores with multistore ({@code stores.enabled}), {@code /detail}
 * adds their type and properties for admins (policy {@code stores_info_detail}); both answer 404
 * as Glance does with a single store (docs/images-api.md "Multistore").
 */
public final class InfoResource implements HttpService {

    private final List<String> importMethods;
    private final ImageService images;
    private final ApiSupport api;

    public InfoResource(List<String> importMethods, ImageService images, ApiSupport api) {
        this.importMethods = List.copyOf(importMethods);
        this.images = images;
        this.api = api;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/import", this::importMethods)
                .any("/import", ApiSupport.methodsAllowed("GET"))
                .get("/stores", this::stores)
                .any("/stores", ApiSupport.methodsAllowed("GET"))
                .get("/stores/detail", this::storesDetail)
                .any("/stores/detail", ApiSupport.methodsAllowed("GET"));
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
        api.send(res, Status.OK_200, storeList(false));
    }

    private void storesDetail(ServerRequest req, ServerResponse res) {
        Identity who = api.identity(req);
        rejectBody(req);
        ObjectNode body = storeList(true);
        if (!images.allows("stores_info_detail", who)) {
            throw new ApiException(Status.FORBIDDEN_403, "You are not authorized to complete stores_info_detail action.");
        }
        api.send(res, Status.OK_200, body);
    }

    /** Glance's {@code get_stores}: id, description if set, {@code "default": "true"} on the default store. */
    private ObjectNode storeList(boolean detail) {
        Stores stores = images.stores();
        if (!stores.multistore()) {
            throw new ApiException(Status.NOT_FOUND_404, "Multi backend is not supported at this site.");
        }
        ObjectNode body = api.json().createObjectNode();
        ArrayNode list = body.putArray("stores");
        for (Stores.Entry e : stores.entries()) {
            ObjectNode n = list.addObject();
            n.put("id", e.id());
            if (!e.description().isEmpty()) {
                n.put("description", e.description());
            }
            if (e.id().equals(stores.defaultId())) {
                n.put("default", "true");
            }
            if (detail) {
                n.put("type", e.type());
                n.set("properties", api.json().valueToTree(e.properties()));
                n.put("weight", 0);
            }
        }
        return body;
    }
}
