package dev.ferry.server.tasks;

import dev.ferry.server.images.UuidText;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The syntax of an {@code export} task's input, checked when the task is created (a 400 then):
 * exactly {@code image_uuid} (a UUID) and {@code receiving_swift_container} (a container name
 * Rackspace accepts: 1-256 bytes, no {@code /}, {@code ?} or {@code .}, no control characters).
 */
final class ExportInput {

    static final String IMAGE_UUID = "image_uuid";
    static final String CONTAINER = "receiving_swift_container";
    static final int MAX_CONTAINER_BYTES = 256;

    private ExportInput() {
    }

    /** Throws {@link InvalidTaskRequestException} with the reason unless {@code input} is valid. */
    static void check(ObjectNode input) {
        if (input == null) {
            throw new InvalidTaskRequestException("Input of an export task must be an object with "
                    + IMAGE_UUID + " and " + CONTAINER + ".");
        }
        for (Iterator<String> names = input.propertyNames().iterator(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals(IMAGE_UUID) && !name.equals(CONTAINER)) {
                throw new InvalidTaskRequestException("Unsupported element in input, please consult the documentation: '"
                        + shorten(name) + "'");
            }
        }
        String uuid = string(input, IMAGE_UUID);
        if (!UuidText.matches(uuid)) {
            throw new InvalidTaskRequestException("Invalid " + IMAGE_UUID + ": '" + shorten(uuid) + "' is not a UUID.");
        }
        String container = string(input, CONTAINER);
        String why = null;
        if (container.isEmpty()) {
            why = "it is empty";
        } else if (container.getBytes(StandardCharsets.UTF_8).length > MAX_CONTAINER_BYTES) {
            why = "it is longer than " + MAX_CONTAINER_BYTES + " bytes";
        } else if (container.contains("/") || container.contains("?") || container.contains(".")) {
            why = "it must not contain '/', '?' or '.'";
        } else if (container.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            why = "it contains control characters";
        }
        if (why != null) {
            throw new InvalidTaskRequestException("Invalid " + CONTAINER + " '" + shorten(container) + "': " + why + ".");
        }
    }

    private static String string(ObjectNode input, String field) {
        JsonNode v = input.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidTaskRequestException("Input does not contain '" + field + "' field");
        }
        if (!v.isString()) {
            throw new InvalidTaskRequestException("Input field '" + field + "' must be a string.");
        }
        return v.asString();
    }

    /** At most 100 characters of user text, control characters escaped, for messages. */
    private static String shorten(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(100).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return s.codePointCount(0, s.length()) > 100 ? sb + "..." : sb.toString();
    }
}
