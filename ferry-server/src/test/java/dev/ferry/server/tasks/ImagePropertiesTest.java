package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The import's property checks agree with the image schema served at /v2/schemas/image. */
class ImagePropertiesTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static JsonNode schema() throws IOException {
        try (InputStream in = ImageProperties.class.getResourceAsStream("/schemas/image.json")) {
            return JSON.readTree(in);
        }
    }

    static List<String> enumOf(JsonNode schema, String property) {
        List<String> values = new ArrayList<>();
        for (JsonNode v : schema.get("properties").get(property).get("enum")) {
            if (!v.isNull()) {
                values.add(v.asString());
            }
        }
        return values;
    }

    @Test
    void formatsAndReadOnlyKeysAreTheSchemas() throws IOException {
        JsonNode schema = schema();
        assertThat(ImageProperties.DISK_FORMATS).containsExactlyInAnyOrderElementsOf(enumOf(schema, "disk_format"));
        assertThat(ImageProperties.CONTAINER_FORMATS)
                .containsExactlyInAnyOrderElementsOf(enumOf(schema, "container_format"));
        schema.get("properties").properties().forEach(e -> {
            if (e.getValue().path("readOnly").asBoolean(false)) {
                assertThat(ImageProperties.READ_ONLY).as(e.getKey()).contains(e.getKey());
            }
        });
    }

    @Test
    void nullFormatsAreNotGivenAndBadOnesAreNamed() throws JobFailedException {
        ImageProperties p = ImageProperties.parse(JSON.readTree(
                "{\"name\": null, \"disk_format\": null, \"container_format\": null, \"os_distro\": \"debian\"}"));
        assertThat(p.diskFormat()).isNull();
        assertThat(p.name()).isNull();
        assertThat(p.extra()).isEqualTo(Map.of("os_distro", "debian"));
        assertThatThrownBy(() -> ImageProperties.parse(JSON.readTree("{\"disk_format\": \"qcow3\"}")))
                .hasMessageStartingWith("Invalid disk_format 'qcow3'");
        assertThatThrownBy(() -> ImageProperties.parse(JSON.readTree("{\"virtual_size\": 1}")))
                .hasMessageContaining("'virtual_size' is read-only");
    }
}
