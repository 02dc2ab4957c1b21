package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The hand-written time format of task views is exactly what ISO_INSTANT writes for whole seconds. */
class TaskViewsTimeTest {

    @ParameterizedTest
    @CsvSource({
        "2026-11-22T23:40:05.999Z, 2026-11-22T23:40:05Z",
        "1970-01-01T00:00:00Z,     1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.5Z,   1969-12-31T23:59:59Z",
        "2024-02-29T12:00:00Z,     2024-02-29T12:00:00Z",
        "0001-01-01T00:00:00Z,     0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z,     9999-12-31T23:59:59Z",
        "+10000-01-01T00:00:00Z,   +10000-01-01T00:00:00Z",
    })
    void writesWholeSecondsInUtc(String instant, String expected) {
        assertThat(TaskViews.time(Instant.parse(instant))).isEqualTo(expected);
    }

    @Test
    void agreesWithIsoInstantOnManyInstants() {
        Random r = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            Instant t = Instant.ofEpochSecond(r.nextLong(-62_000_000_000L, 253_000_000_000L), r.nextInt(1_000_000_000));
            assertThat(TaskViews.time(t)).as(t.toString())
                    .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS)));
        }
    }
}
