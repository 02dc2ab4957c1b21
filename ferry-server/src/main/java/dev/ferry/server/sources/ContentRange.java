package dev.ferry.server.sources;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code Content-Range: bytes first-last/complete} header (RFC 9110 §14.4) with a known total;
 * what a ranged read checks its answer against, exactly.
 */
record ContentRange(long first, long last, long complete) {

    private static final Pattern FORM = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18})");

    /** Parses the header; empty when absent, malformed, of an unknown total, or inconsistent. */
    static Optional<ContentRange> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(header.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        long first = Long.parseLong(m.group(1));
        long last = Long.parseLong(m.group(2));
        long complete = Long.parseLong(m.group(3));
        if (first > last || last >= complete) {
            return Optional.empty();
        }
        return Optional.of(new ContentRange(first, last, complete));
    }

    /** Whether this is exactly bytes {@code first}-{@code last} of a {@code complete}-byte source. */
    boolean is(long first, long last, long complete) {
        return this.first == first && this.last == last && this.complete == complete;
    }

    /**
     * The header, cut and without control characters, for a message. C1 controls (U+0080..U+009F)
     * count too: headers are read as ISO-8859-1, so a server can send them, and some terminals act
     * on them in logs.
     */
    static String printable(String header) {
        if (header == null) {
            return "(none)";
        }
        String cut = header.length() > 120 ? header.substring(0, 120) + "..." : header;
        return CONTROL.matcher(cut).replaceAll("?");
    }

    private static final Pattern CONTROL = Pattern.compile("\\p{Cc}");
}
