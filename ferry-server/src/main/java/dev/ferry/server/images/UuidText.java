package dev.ferry.server.images;

import java.util.regex.Pattern;

/**
 * The syntax of the ids Ferry accepts from requests (images, tasks, markers, export input): the
 * canonical 8-4-4-4-12 hex form, either case. Checked before {@link java.util.UUID#fromString},
 * which also parses shorter forms such as {@code 1-1-1-1-1}. Here because images is the lowest
 * package every user (images, tasks) may depend on.
 */
public final class UuidText {

    public static final Pattern PATTERN = Pattern.compile(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

    private UuidText() {
    }

    /** Whether {@code text} is a UUID in canonical form; false for null. */
    public static boolean matches(String text) {
        return text != null && PATTERN.matcher(text).matches();
    }
}
