package dev.ferry.server.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A remote server's {@code Content-Range} header (ISO-8859-1, as HTTP headers are read):
 * {@link ContentRange#parse} gives a consistent range ({@code 0 <= first <= last < complete}) or
 * empty, never an exception; {@link ContentRange#printable} (what a failure message shows) is
 * short and free of control characters.
 */
class ContentRangeFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parsesOrIsEmpty(byte[] data) {
        String header = new String(data, StandardCharsets.ISO_8859_1);
        Optional<ContentRange> range = ContentRange.parse(header);
        range.ifPresent(r -> {
            assertThat(r.first()).isNotNegative().isLessThanOrEqualTo(r.last());
            assertThat(r.last()).isLessThan(r.complete());
            assertThat(r.is(r.first(), r.last(), r.complete())).isTrue();
        });
        String shown = ContentRange.printable(header);
        assertThat(shown.length()).isLessThanOrEqualTo(123);
        assertThat(shown.chars().noneMatch(Character::isISOControl)).as("printable %s", shown).isTrue();
    }
}
