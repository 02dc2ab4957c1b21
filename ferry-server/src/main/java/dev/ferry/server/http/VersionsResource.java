package dev.ferry.server.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The versions document: {@code GET /} (300 Multiple Choices, as Glance) and {@code GET /versions} (200). */
public final class VersionsResource implements HttpService {

    private static final String[] VERSIONS = {"v2.15", "v2.9", "v2.7", "v2.6", "v2.5", "v2.4", "v2.3", "v2.2",
            "v2.1", "v2.0"};

    private final ApiSupport api;

    public VersionsResource(ApiSupport api) {
        this.api = api;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::root)
                .get("/versions", this::versions)
                .any("/", VersionsResource::notAllowed)
                .any("/versions", VersionsResource::notAllowed);
    }

    private void root(ServerRequest req, ServerResponse res) {
        api.send(res, Status.create(300, "Multiple Choices"), document(req));
    }

    private void versions(ServerRequest req, ServerResponse res) {
        api.send(res, Status.OK_200, document(req));
    }

    private ObjectNode document(ServerRequest req) {
        ObjectNode doc = api.json().createObjectNode();
        ArrayNode list = doc.putArray("versions");
        String href = api.baseUrl(req) + "/v2/";
        for (int i = 0; i < VERSIONS.length; i++) {
            ObjectNode v = list.addObject();
            v.put("id", VERSIONS[i]);
            v.put("status", i == 0 ? "CURRENT" : "SUPPORTED");
            ObjectNode link = v.putArray("links").addObject();
            link.put("rel", "self");
            link.put("href", href);
        }
        return doc;
    }

    private static void notAllowed(ServerRequest req, ServerResponse res) {
        throw ApiException.notAllowed(req.prologue().method().text(), "GET");
    }
}
