package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An export task's input (the JSON of POST /v2/tasks' {@code input}): {@link ExportInput#check}
 * accepts it or throws {@link InvalidTaskRequestException} (400), nothing else; what it accepts is
 * what {@code TaskService.create} then relies on: {@code image_uuid} parses with
 * {@link UUID#fromString} and the container is 1-256 UTF-8 bytes without '/', '?', '.' or control
 * characters. Input: JSON text; non-objects are skipped (the resource refuses them before).
 */
class ExportInputFuzzTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @FuzzTest(maxDuration = "60s")
    void acceptsOnlyValidInput(byte[] data) {
        JsonNode node;
        try {
            node = JSON.readTree(new String(data, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            return;
        }
        if (node == null || !node.isObject()) {
            return;
        }
        ObjectNode input = (ObjectNode) node;
        try {
            ExportInput.check(input);
        } catch (InvalidTaskRequestException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContainPattern("[\\x00-\\x1f\\x7f]");
            return;
        }
        String uuid = input.get(ExportInput.IMAGE_UUID).asString();
        assertThat(UUID.fromString(uuid).toString()).isEqualToIgnoringCase(uuid);
        String container = input.get(ExportInput.CONTAINER).asString();
        assertThat(container.getBytes(StandardCharsets.UTF_8).length).isBetween(1, ExportInput.MAX_CONTAINER_BYTES);
        assertThat(container).doesNotContain("/", "?", ".");
        assertThat(container.chars().noneMatch(c -> c < 0x20 || c == 0x7f)).isTrue();
        assertThat(input.size()).isEqualTo(2);
    }
}
