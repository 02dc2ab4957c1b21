package dev.ferry.server.http;

import dev.ferry.server.images.ImageStores;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Glance's {@code DELETE /v2/stores/{store_id}/{image_id}}: removes an image's data from one
 * store (multistore only; the rules are {@link ImageStores#deleteFromStore}'s).
 */
public final class StoresResource implements HttpService {

    private final ImageStores images;
    private final ApiSupport api;

    public StoresResource(ImageStores images, ApiSupport api) {
        this.images = images;
        this.api = api;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.delete("/{store}/{id}", this::delete)
                .any("/{store}/{id}", (req, res) -> {
                    throw ApiException.notAllowed(req.prologue().method().text(), "DELETE");
                });
    }

    private void delete(ServerRequest req, ServerResponse res) {
        images.deleteFromStore(api.identity(req), req.path().pathParameters().get("store"),
                req.path().pathParameters().get("id"));
        res.status(Status.NO_CONTENT_204).send();
    }
}
