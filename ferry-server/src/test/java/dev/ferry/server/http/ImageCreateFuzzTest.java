package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.server.images.ImageAttributes;
import dev.ferry.server.images.ImageRequestException;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * POST /v2/images as {@code ImagesResource.create} reads its body, without the database:
 * {@link ApiSupport#parseJsonBody}, an object, {@link ImageDocument#checkWritable} for every name,
 * {@link ImageDocument#toAttributes} (the image schema) and the client-chosen {@code id}. Only an
 * {@link ApiException} 400 or an {@link ImageRequestException} may escape; an accepted id is a
 * canonical UUID.
 */
class ImageCreateFuzzTest {

    private static final Schemas SCHEMAS = new Schemas(Json.standard());
    private static final ApiSupport API = new ApiSupport(Json.standard(), null, 65536, 32);

    @FuzzTest(maxDuration = "60s")
    void createsOrRefuses(byte[] body) {
        try {
            JsonNode tree = API.parseJsonBody(body);
            if (!tree.isObject()) {
                return; // 400 in the resource
            }
            ObjectNode doc = (ObjectNode) tree;
            for (String name : doc.propertyNames()) {
                ImageDocument.checkWritable(name, true);
            }
            ImageAttributes attributes = ImageDocument.toAttributes(SCHEMAS, doc);
            UUID id = ImagesResource.clientImageId(doc);
            assertThat(attributes.visibility()).isNotNull();
            if (id != null) {
                assertThat(id.toString()).isEqualToIgnoringCase(doc.get("id").asString());
            }
        } catch (ApiException e) {
            assertThat(e.status().code()).isEqualTo(400);
        } catch (ImageRequestException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
