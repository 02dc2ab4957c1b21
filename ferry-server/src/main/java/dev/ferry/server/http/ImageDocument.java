package dev.ferry.server.http;

import dev.ferry.server.images.Image;
import dev.ferry.server.images.ImageAttributes;
import dev.ferry.server.images.ImageRequestException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The user-settable part of an image as a JSON object (what create bodies and PATCH operations
 * work on), and the attribute rules Glance applies to both: read-only and reserved names (403),
 * the image schema (400), and the conversion to {@link ImageAttributes}.
 */
final class ImageDocument {

    /** Shown but never set by users. */
    static final Set<String> READ_ONLY = Set.of("created_at", "updated_at", "status", "checksum", "size",
            "virtual_size", "direct_url", "self", "file", "schema", "os_hash_algo", "os_hash_value");
    /** Glance keeps these for itself. */
    static final Set<String> RESERVED = Set.of("location", "locations", "deleted", "deleted_at", "stores");
    /** Base attributes users may set; everything else is a custom (string) property. */
    static final Set<String> BASE = Set.of("name", "visibility", "protected", "os_hidden", "owner", "container_format",
            "disk_format", "min_ram", "min_disk", "tags");

    private ImageDocument() {
    }

    /** 403 for a read-only or reserved name (the create body's {@code id} is allowed; PATCH's is not). */
    static void checkWritable(String name, boolean idAllowed) {
        if (READ_ONLY.contains(name) || (!idAllowed && name.equals("id"))) {
            throw ImageRequestException.forbidden("Attribute '" + name + "' is read-only.");
        }
        if (RESERVED.contains(name) || name.startsWith("os_glance")) {
            throw ImageRequestException.forbidden("Attribute '" + name + "' is reserved.");
        }
    }

    /** The current image's settable attributes and custom properties. */
    static ObjectNode of(JsonMapper json, Image i) {
        ObjectNode n = json.createObjectNode();
        n.put("name", i.name());
        n.put("visibility", i.visibility());
        n.put("protected", i.isProtected());
        n.put("os_hidden", i.osHidden());
        n.put("owner", i.owner());
        n.put("container_format", i.containerFormat());
        n.put("disk_format", i.diskFormat());
        n.put("min_ram", i.minRam());
        n.put("min_disk", i.minDisk());
        i.tags().forEach(n.putArray("tags")::add);
        i.properties().forEach(n::put);
        return n;
    }

    /**
     * Validates {@code doc} against the image schema and converts it; {@code defaults} fills
     * missing base attributes (creation).
     */
    static ImageAttributes toAttributes(Schemas schemas, ObjectNode doc) {
        schemas.validateImage(doc).ifPresent(m -> {
            throw ImageRequestException.badRequest(m);
        });
        Map<String, String> properties = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : doc.properties()) {
            if (!BASE.contains(e.getKey()) && !e.getKey().equals("id")) {
                properties.put(e.getKey(), e.getValue().asString());
            }
        }
        List<String> tags = new ArrayList<>();
        doc.path("tags").forEach(t -> tags.add(t.asString()));
        return new ImageAttributes(text(doc, "name"), doc.has("visibility") ? doc.get("visibility").asString() : "shared",
                doc.path("protected").asBoolean(false), doc.path("os_hidden").asBoolean(false), text(doc, "owner"),
                text(doc, "disk_format"), text(doc, "container_format"), nonNegativeInt(doc, "min_ram"),
                nonNegativeInt(doc, "min_disk"), tags, properties);
    }

    private static String text(ObjectNode doc, String key) {
        JsonNode v = doc.get(key);
        return v == null || v.isNull() ? null : v.asString();
    }

    private static int nonNegativeInt(ObjectNode doc, String key) {
        JsonNode v = doc.get(key);
        if (v == null) {
            return 0;
        }
        if (!v.canConvertToInt() || v.asInt() < 0) {
            throw ImageRequestException.badRequest("Provided object does not match schema 'image': " + key
                    + " must be an integer from 0 to " + Integer.MAX_VALUE);
        }
        return v.asInt();
    }
}
