package dev.ferry.server.http;

import dev.ferry.server.images.ImageService;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;

/**
 * Glance's {@code DELETE /v2/stores/{store_id}/{image_id}}: removes an image's data from one
 * store (multistore only; the rules are {@link ImageService#deleteFromStore}'s).
 */
public final class StoresResource implements HttpService {

    private final ImageService images;
    private final ApiSupport api;

    public StoresResource(ImageService images, ApiSupport api) {
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

    private void delete(ServerRequest req, ServerResponse res) throws IOException {
        images.deleteFromStore(api.identity(req), req.path().pathParameters().get("store"),
                req.path().pathParameters().get("id"));
        res.status(Status.NO_CONTENT_204).send();
    }
}
