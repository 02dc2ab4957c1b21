package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.server.images.ImageRequestException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class ImagePatchTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ImageRequestException.Kind kindOf(Runnable r) {
        try {
            r.run();
        } catch (ImageRequestException e) {
            return e.kind();
        }
        throw new AssertionError("no refusal");
    }

    @Test
    void pointersAreOneUnescapedToken() {
        assertThat(ImagePatch.attribute("/name")).isEqualTo("name");
        assertThat(ImagePatch.attribute("/a~1b~0c")).isEqualTo("a/b~c");
        assertThat(kindOf(() -> ImagePatch.attribute("/a/b"))).isEqualTo(ImageRequestException.Kind.BAD_REQUEST);
        assertThat(kindOf(() -> ImagePatch.attribute("name"))).isEqualTo(ImageRequestException.Kind.BAD_REQUEST);
        assertThat(kindOf(() -> ImagePatch.attribute("/"))).isEqualTo(ImageRequestException.Kind.BAD_REQUEST);
        assertThat(kindOf(() -> ImagePatch.attribute("/x~"))).isEqualTo(ImageRequestException.Kind.BAD_REQUEST);
        assertThat(kindOf(() -> ImagePatch.attribute("/locations/0"))).isEqualTo(ImageRequestException.Kind.FORBIDDEN);
    }

    @Test
    void mediaTypesSelectTheDialect() {
        assertThat(ImagePatch.isV21("application/openstack-images-v2.1-json-patch")).contains(true);
        assertThat(ImagePatch.isV21("application/openstack-images-v2.0-json-patch; charset=UTF-8")).contains(false);
        assertThat(ImagePatch.isV21("application/json-patch+json")).isEmpty();
        assertThat(ImagePatch.isV21(null)).isEmpty();
    }

    @Test
    void operationsApplyInOrderAndTheFirstRefusalStops() {
        ObjectNode doc = JSON.createObjectNode().put("name", "a").put("k", "v");
        ImagePatch.apply(JSON.readTree("[{\"op\":\"add\",\"path\":\"/k\",\"value\":\"w\"},"
                + "{\"op\":\"remove\",\"path\":\"/k\"},{\"op\":\"add\",\"path\":\"/k\",\"value\":\"x\"}]"), doc, true);
        assertThat(doc.get("k").asString()).isEqualTo("x");
        assertThatThrownBy(() -> ImagePatch.apply(JSON.readTree("[{\"op\":\"replace\",\"path\":\"/size\",\"value\":1}]"),
                doc, true)).isInstanceOf(ImageRequestException.class).hasMessage("Attribute 'size' is read-only.");
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= ImagePatch.MAX_OPERATIONS; i++) {
            many.append(i == 0 ? "" : ",").append("{\"op\":\"add\",\"path\":\"/k\",\"value\":\"v\"}");
        }
        assertThat(kindOf(() -> ImagePatch.apply(JSON.readTree(many.append("]").toString()), doc, true)))
                .isEqualTo(ImageRequestException.Kind.BAD_REQUEST);
    }
}
