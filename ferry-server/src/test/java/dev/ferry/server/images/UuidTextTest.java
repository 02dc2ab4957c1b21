package dev.ferry.server.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The one UUID syntax of image, task and marker ids: the canonical 8-4-4-4-12 form, either case. */
class UuidTextTest {

    @Test
    void acceptsTheCanonicalFormInEitherCase() {
        String id = UUID.randomUUID().toString();
        assertThat(UuidText.matches(id)).isTrue();
        assertThat(UuidText.matches(id.toUpperCase(java.util.Locale.ROOT))).isTrue();
        assertThat(UuidText.PATTERN.matcher("CA5E7F11-5d57-4dd7-8ACE-03ab647fe6c6").matches()).isTrue();
    }

    @Test
    void refusesWhatUuidFromStringWouldStillParse() {
        String id = UUID.randomUUID().toString();
        assertThat(UuidText.matches(null)).isFalse();
        assertThat(UuidText.matches("")).isFalse();
        assertThat(UuidText.matches("1-1-1-1-1")).isFalse(); // UUID.fromString accepts it
        assertThat(UuidText.matches(id.replace("-", ""))).isFalse();
        assertThat(UuidText.matches(id + "\n")).isFalse();
        assertThat(UuidText.matches(" " + id)).isFalse();
        assertThat(UuidText.matches("{" + id + "}")).isFalse();
        assertThat(UuidText.matches(id.substring(0, 35) + "g")).isFalse();
        assertThat(UuidText.matches(id + "0")).isFalse();
    }
}
