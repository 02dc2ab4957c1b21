package dev.ferry.server.sources;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContentRangeTest {

    @Test
    void parsesConsistentRangesOnly() {
        assertThat(ContentRange.parse("bytes 0-1023/4096")).contains(new ContentRange(0, 1023, 4096));
        assertThat(ContentRange.parse(" bytes 4095-4095/4096 ")).contains(new ContentRange(4095, 4095, 4096));
        assertThat(ContentRange.parse("bytes 10-9/4096")).isEmpty();
        assertThat(ContentRange.parse("bytes 0-4096/4096")).isEmpty();
        assertThat(ContentRange.parse("bytes */4096")).isEmpty();
        assertThat(ContentRange.parse("bytes 0-1/1234567890123456789")).isEmpty(); // 19 digits: not a long we trust
        assertThat(ContentRange.parse(null)).isEmpty();
    }

    /** Fuzzing finding: C1 control characters (a header is ISO-8859-1) reached failure messages. */
    @Test
    void printableReplacesC0AndC1Controls() {
        assertThat(ContentRange.printable("b\u0084\u008b\u009a\u0084\u009a\u008c\u00df\u009a{es 0-10"))
                .isEqualTo("b??????\u00df?{es 0-10");
        assertThat(ContentRange.printable("a\tb\u007fc\u009bd")).isEqualTo("a?b?c?d");
        assertThat(ContentRange.printable("x".repeat(200))).hasSize(123).endsWith("...");
        assertThat(ContentRange.printable(null)).isEqualTo("(none)");
    }
}
