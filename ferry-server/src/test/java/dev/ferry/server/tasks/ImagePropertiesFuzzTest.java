package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An import task's {@code image_properties} (checked at POST /v2/tasks, a 400, and again by the
 * job): {@link ImageProperties#parse} gives the properties or a {@link JobFailedException},
 * nothing else; what it accepts fits the image row (formats from the lists, sizes non-negative,
 * at most 128 extra properties with names of 1..255 and values of at most 255 characters, no
 * read-only or reserved name). Input: JSON text.
 */
class ImagePropertiesFuzzTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @FuzzTest(maxDuration = "60s")
    void parsesOrFailsTheTask(byte[] data) {
        JsonNode node;
        try {
            node = JSON.readTree(new String(data, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            return;
        }
        ImageProperties p;
        try {
            p = ImageProperties.parse(node);
        } catch (JobFailedException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        if (p.diskFormat() != null) {
            assertThat(p.diskFormat()).isIn(ImageProperties.DISK_FORMATS);
        }
        if (p.containerFormat() != null) {
            assertThat(p.containerFormat()).isIn(ImageProperties.CONTAINER_FORMATS);
        }
        assertThat(p.minRam()).isNotNegative();
        assertThat(p.minDisk()).isNotNegative();
        assertThat(p.extra()).hasSizeLessThanOrEqualTo(128);
        p.extra().forEach((k, v) -> {
            assertThat(k.length()).isBetween(1, 255);
            assertThat(v.length()).isLessThanOrEqualTo(255);
            assertThat(ImageProperties.READ_ONLY).doesNotContain(k);
            assertThat(k).doesNotStartWith("os_glance");
        });
    }
}
