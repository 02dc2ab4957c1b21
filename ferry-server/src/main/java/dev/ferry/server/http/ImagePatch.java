package dev.ferry.server.http;

import dev.ferry.server.images.ImageRequestException;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Glance's JSON Patch, applied to an {@link ImageDocument}: not general RFC 6902 but its subset
 * (add, remove, replace on one-level paths) with Glance's rules: read-only and reserved attributes
 * are 403, base attributes cannot be removed, replacing or removing a missing custom property is
 * 409, and with the deprecated v2.0 media type ({@code {"replace": "/name", "value": ...}}) adding
 * an existing custom property is 409 too.
 */
final class ImagePatch {

    static final String V2_1 = "application/openstack-images-v2.1-json-patch";
    static final String V2_0 = "application/openstack-images-v2.0-json-patch";
    static final String ACCEPT_PATCH = V2_0 + ", " + V2_1;
    /** More operations than any client sends; bounds the work per request. */
    static final int MAX_OPERATIONS = 500;

    private ImagePatch() {
    }

    /** The patch dialect of a Content-Type, or empty (then 415 with {@code Accept-Patch}). */
    static Optional<Boolean> isV21(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String t = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return t.equals(V2_1) ? Optional.of(true) : t.equals(V2_0) ? Optional.of(false) : Optional.empty();
    }

    /** Applies every operation of {@code body} to {@code doc} in order. */
    static void apply(JsonNode body, ObjectNode doc, boolean v21) {
        if (!body.isArray()) {
            throw ImageRequestException.badRequest("Request body must be a JSON array of operation objects.");
        }
        if (body.size() > MAX_OPERATIONS) {
            throw ImageRequestException.badRequest("Too many operations in one patch (at most " + MAX_OPERATIONS + ").");
        }
        for (JsonNode op : body) {
            if (!op.isObject()) {
                throw ImageRequestException.badRequest("Operations must be JSON objects.");
            }
            String kind;
            String path;
            if (v21) {
                kind = stringMember(op, "op");
                path = stringMember(op, "path");
                if (!kind.equals("add") && !kind.equals("remove") && !kind.equals("replace")) {
                    throw ImageRequestException.badRequest("Invalid operation: '" + kind
                            + "'; must be one of add, remove, replace.");
                }
            } else {
                kind = null;
                for (String k : new String[] {"add", "remove", "replace"}) {
                    if (op.has(k)) {
                        if (kind != null) {
                            throw ImageRequestException.badRequest("Operation objects must contain exactly one member "
                                    + "named \"add\", \"remove\", or \"replace\".");
                        }
                        kind = k;
                    }
                }
                if (kind == null) {
                    throw ImageRequestException.badRequest("Operation objects must contain exactly one member named "
                            + "\"add\", \"remove\", or \"replace\".");
                }
                path = stringMember(op, kind);
            }
            JsonNode value = null;
            if (!kind.equals("remove")) {
                value = op.get("value");
                if (value == null) {
                    throw ImageRequestException.badRequest("Operation \"" + kind + "\" requires a member named \"value\".");
                }
            }
            String name = attribute(path);
            ImageDocument.checkWritable(name, false);
            boolean base = ImageDocument.BASE.contains(name);
            switch (kind) {
                case "remove" -> {
                    if (base) {
                        throw ImageRequestException.forbidden("Attribute '" + name + "' is a base attribute and "
                                + "cannot be removed.");
                    }
                    if (doc.remove(name) == null) {
                        throw ImageRequestException.conflict("Property " + name + " does not exist.");
                    }
                }
                case "replace" -> {
                    if (!base && !doc.has(name)) {
                        throw ImageRequestException.conflict("Property " + name + " does not exist.");
                    }
                    doc.set(name, value);
                }
                default -> { // add
                    if (!v21 && !base && doc.has(name)) {
                        throw ImageRequestException.conflict("Property " + name + " already present.");
                    }
                    doc.set(name, value);
                }
            }
        }
    }

    private static String stringMember(JsonNode op, String member) {
        JsonNode v = op.get(member);
        if (v == null || !v.isString()) {
            throw ImageRequestException.badRequest("Operation objects must contain a string member named \""
                    + member + "\".");
        }
        return v.asString();
    }

    /** The attribute a restricted JSON pointer names: exactly one token ("/name"). */
    static String attribute(String pointer) {
        if (!pointer.startsWith("/")) {
            throw ImageRequestException.badRequest("Pointer `" + shorten(pointer) + "` does not start with \"/\".");
        }
        String token = pointer.substring(1);
        if (token.startsWith("locations/") || token.equals("locations")) {
            throw ImageRequestException.forbidden("Attribute 'locations' is reserved.");
        }
        if (token.isEmpty() || token.contains("/")) {
            throw ImageRequestException.badRequest("Invalid JSON pointer for this resource: '" + shorten(pointer) + "'");
        }
        StringBuilder sb = new StringBuilder(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '~') {
                char next = i + 1 < token.length() ? token.charAt(i + 1) : ' ';
                if (next != '0' && next != '1') {
                    throw ImageRequestException.badRequest("Pointer `" + shorten(pointer)
                            + "` contains an \"~\" not part of a recognized escape sequence.");
                }
                sb.append(next == '0' ? '~' : '/');
                i++;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String shorten(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
