package dev.ferry.server.http;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON schemas under {@code schemas/} on the classpath, both served at
 * {@code /v2/schemas/...} and enforced on request bodies. As in Glance, the served document is
 * the schema's minimal form and validation uses it with {@code additionalProperties: false} at
 * the top level (so an unknown top-level key is refused, while {@code input} stays free-form).
 */
public final class Schemas {

    /** The metadata definitions catalog's schemas, as Glance serves them under {@code /v2/schemas/metadefs/}. */
    public static final List<String> METADEF_SCHEMAS = List.of("namespace", "namespaces", "object", "objects",
            "property", "properties", "resource_type", "resource_types", "tag", "tags");

    private final byte[] task;
    private final byte[] tasks;
    private final byte[] image;
    private final byte[] images;
    private final byte[] member;
    private final byte[] members;
    private final Map<String, byte[]> metadefs;
    private final Map<String, Schema> metadefValidators;
    private final Schema taskValidator;
    private final Schema imageValidator;

    public Schemas(JsonMapper json) {
        JsonNode taskNode = read(json, "schemas/task.json");
        this.task = json.writeValueAsBytes(taskNode);
        this.tasks = json.writeValueAsBytes(read(json, "schemas/tasks.json"));
        this.image = json.writeValueAsBytes(read(json, "schemas/image.json"));
        this.images = json.writeValueAsBytes(read(json, "schemas/images.json"));
        this.member = json.writeValueAsBytes(read(json, "schemas/member.json"));
        this.members = json.writeValueAsBytes(read(json, "schemas/members.json"));
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (String name : METADEF_SCHEMAS) {
            m.put(name, json.writeValueAsBytes(read(json, "schemas/metadefs/" + name + ".json")));
        }
        this.metadefs = Map.copyOf(m);
        Map<String, Schema> v = new LinkedHashMap<>();
        for (String name : List.of("namespace", "object", "property", "resource_type", "tag", "tags")) {
            v.put(name, SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                    .getSchema(read(json, "schemas/metadefs/" + name + ".json")));
        }
        this.metadefValidators = Map.copyOf(v);
        // the image schema is enforced as served: its additionalProperties (custom properties are strings)
        this.imageValidator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                .getSchema(read(json, "schemas/image.json"));
        ObjectNode raw = ((ObjectNode) taskNode).deepCopy();
        raw.put("additionalProperties", false);
        this.taskValidator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(raw);
    }

    private static JsonNode read(JsonMapper json, String resource) {
        try (InputStream in = Schemas.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] taskDocument() {
        return task.clone();
    }

    public byte[] tasksDocument() {
        return tasks.clone();
    }

    public byte[] imageDocument() {
        return image.clone();
    }

    public byte[] imagesDocument() {
        return images.clone();
    }

    public byte[] memberDocument() {
        return member.clone();
    }

    public byte[] membersDocument() {
        return members.clone();
    }

    /** The metadefs schema {@code name} (one of {@link #METADEF_SCHEMAS}), or empty if there is none by that name. */
    public Optional<byte[]> metadefDocument(String name) {
        byte[] doc = metadefs.get(name);
        return doc == null ? Optional.empty() : Optional.of(doc.clone());
    }

    /**
     * The first violation of the metadefs schema {@code name} (namespace, object, property,
     * resource_type, tag or tags; enforced as served, like Glance), or empty if valid.
     */
    public Optional<String> validateMetadef(String name, JsonNode body) {
        Schema schema = metadefValidators.get(name);
        if (schema == null) {
            throw new IllegalArgumentException("no metadefs schema " + name);
        }
        return firstError(schema.validate(body), name);
    }

    /** The first violation of the image schema, phrased for the client, or empty if valid. */
    public Optional<String> validateImage(JsonNode body) {
        return firstError(imageValidator.validate(body), "image");
    }

    /** The first violation of the task schema, phrased for the client, or empty if valid. */
    public Optional<String> validateTask(JsonNode body) {
        return firstError(taskValidator.validate(body), "task");
    }

    private static Optional<String> firstError(List<Error> errors, String schema) {
        if (errors.isEmpty()) {
            return Optional.empty();
        }
        Error first = errors.getFirst();
        String where = first.getInstanceLocation() == null ? "" : first.getInstanceLocation().toString();
        String message = first.getMessage();
        if (!where.isEmpty() && !where.equals("$") && !message.startsWith(where)) {
            message = where + ": " + message;
        }
        return Optional.of("Provided object does not match schema '" + schema + "': " + message);
    }
}
