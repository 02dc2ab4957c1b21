package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.server.images.Image;
import dev.ferry.server.images.ImageAttributes;
import dev.ferry.server.images.ImageRequestException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * PATCH /v2/images/{id} as {@code ImagesResource.patch} runs it, without the database: the
 * Content-Type picks the dialect ({@link ImagePatch#isV21}), the body is read by
 * {@link ApiSupport#parseJsonBody}, applied to the image's document ({@link ImagePatch#apply}) and
 * validated into {@link ImageAttributes} ({@link ImageDocument#toAttributes}). Only an
 * {@link ApiException} (400/415) or an {@link ImageRequestException} (400/403/409) may escape; on
 * success no read-only or reserved attribute was set. Input: a Content-Type line, a newline, the body.
 */
class ImagePatchFuzzTest {

    private static final JsonMapper JSON = Json.standard();
    private static final Schemas SCHEMAS = new Schemas(JSON);
    private static final ApiSupport API = new ApiSupport(JSON, null, 65536, 32);
    private static final Image IMAGE = new Image(UUID.fromString("6b1e1a2e-3c0f-4f5e-9f0a-2b7f4c1d8e90"), "cirros",
            "active", "shared", "p1", "qcow2", "bare", 1024L, 4096L, null, null, null, null, 0, 0, false,
            Map.of("os_distro", "cirros", "k", "v"), Instant.EPOCH, Instant.EPOCH, false, List.of("t1"));

    @FuzzTest(maxDuration = "60s")
    void patchesOrRefuses(byte[] data) {
        int nl = indexOf(data, (byte) '\n');
        String contentType = nl < 0 ? null : new String(data, 0, nl, StandardCharsets.ISO_8859_1);
        byte[] body = nl < 0 ? data : Arrays.copyOfRange(data, nl + 1, data.length);
        try {
            var v21 = ImagePatch.isV21(contentType);
            if (v21.isEmpty()) {
                return; // 415
            }
            JsonNode patch = API.parseJsonBody(body);
            ObjectNode doc = ImageDocument.of(JSON, IMAGE);
            ImagePatch.apply(patch, doc, v21.get());
            ImageAttributes changed = ImageDocument.toAttributes(SCHEMAS, doc);
            assertThat(changed.visibility()).isNotNull();
            for (String name : changed.properties().keySet()) {
                assertThat(ImageDocument.READ_ONLY).doesNotContain(name);
                assertThat(ImageDocument.RESERVED).doesNotContain(name);
                assertThat(name).doesNotStartWith("os_glance").isNotEqualTo("id");
            }
            assertThat(changed.minRam()).isNotNegative();
            assertThat(changed.minDisk()).isNotNegative();
        } catch (ApiException e) {
            assertThat(e.status().code()).isEqualTo(400);
        } catch (ImageRequestException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    private static int indexOf(byte[] data, byte b) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
