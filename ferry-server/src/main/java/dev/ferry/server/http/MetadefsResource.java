package dev.ferry.server.http;

import dev.ferry.server.metadefs.Association;
import dev.ferry.server.metadefs.Definition;
import dev.ferry.server.metadefs.MetadefRepository.Kind;
import dev.ferry.server.metadefs.MetadefService;
import dev.ferry.server.metadefs.MetadefService.AssociationRequest;
import dev.ferry.server.metadefs.MetadefService.Detail;
import dev.ferry.server.metadefs.Namespace;
import dev.ferry.server.metadefs.NamespaceChanges;
import dev.ferry.server.metadefs.ResourceType;
import dev.ferry.server.metadefs.Tag;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Glance's metadata definitions catalog, {@code /v2/metadefs}: namespaces, resource types and their
 * associations, objects, properties and tags, with Glance's status codes and document shapes. Request
 * bodies are checked against Glance's schemas ({@link Schemas#validateMetadef}); the rules are
 * {@link MetadefService}'s.
 */
public final class MetadefsResource implements HttpService {

    /** Glance's {@code limit_param_default} and {@code api_limit_max}. */
    static final int DEFAULT_LIMIT = 25;
    static final int MAX_LIMIT = 1000;
    static final int MAX_QUERY_PARAMS = 20;
    /** Largest object or property document stored (its JSON text), and most resource types one filter names. */
    static final int MAX_DOCUMENT_CHARS = 65_536;
    static final int MAX_RESOURCE_TYPE_FILTERS = 20;
    /** What oslo's {@code bool_from_string} takes for true (Glance reads {@code X-Openstack-Append} with it). */
    private static final Set<String> TRUE_WORDS = Set.of("1", "t", "true", "on", "y", "yes");
    /** Fields the server sets: accepted in a body (as Glance does) but never stored from it. */
    private static final Set<String> SERVER_SET = Set.of("created_at", "updated_at", "self", "schema");

    private final MetadefService metadefs;
    private final ApiSupport api;
    private final Schemas schemas;

    public MetadefsResource(MetadefService metadefs, ApiSupport api, Schemas schemas) {
        this.metadefs = metadefs;
        this.api = api;
        this.schemas = schemas;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/resource_types", this::listResourceTypes)
                .any("/resource_types", ApiSupport.methodsAllowed("GET"))
                .get("/namespaces", this::listNamespaces)
                .post("/namespaces", this::createNamespace)
                .any("/namespaces", ApiSupport.methodsAllowed("GET, POST"))
                .get("/namespaces/{ns}", this::showNamespace)
                .put("/namespaces/{ns}", this::updateNamespace)
                .delete("/namespaces/{ns}", this::deleteNamespace)
                .any("/namespaces/{ns}", ApiSupport.methodsAllowed("GET, PUT, DELETE"))
                .get("/namespaces/{ns}/resource_types", this::listAssociations)
                .post("/namespaces/{ns}/resource_types", this::associate)
                .any("/namespaces/{ns}/resource_types", ApiSupport.methodsAllowed("GET, POST"))
                .delete("/namespaces/{ns}/resource_types/{name}", this::dissociate)
                .any("/namespaces/{ns}/resource_types/{name}", ApiSupport.methodsAllowed("DELETE"))
                .get("/namespaces/{ns}/objects", (req, res) -> listDefinitions(req, res, Kind.OBJECT))
                .post("/namespaces/{ns}/objects", (req, res) -> createDefinition(req, res, Kind.OBJECT))
                .any("/namespaces/{ns}/objects", ApiSupport.methodsAllowed("GET, POST"))
                .get("/namespaces/{ns}/objects/{name}", (req, res) -> showDefinition(req, res, Kind.OBJECT))
                .put("/namespaces/{ns}/objects/{name}", (req, res) -> updateDefinition(req, res, Kind.OBJECT))
                .delete("/namespaces/{ns}/objects/{name}", (req, res) -> deleteDefinition(req, res, Kind.OBJECT))
                .any("/namespaces/{ns}/objects/{name}", ApiSupport.methodsAllowed("GET, PUT, DELETE"))
                .get("/namespaces/{ns}/properties", (req, res) -> listDefinitions(req, res, Kind.PROPERTY))
                .post("/namespaces/{ns}/properties", (req, res) -> createDefinition(req, res, Kind.PROPERTY))
                .any("/namespaces/{ns}/properties", ApiSupport.methodsAllowed("GET, POST"))
                .get("/namespaces/{ns}/properties/{name}", (req, res) -> showDefinition(req, res, Kind.PROPERTY))
                .put("/namespaces/{ns}/properties/{name}", (req, res) -> updateDefinition(req, res, Kind.PROPERTY))
                .delete("/namespaces/{ns}/properties/{name}", (req, res) -> deleteDefinition(req, res, Kind.PROPERTY))
                .any("/namespaces/{ns}/properties/{name}", ApiSupport.methodsAllowed("GET, PUT, DELETE"))
                .get("/namespaces/{ns}/tags", this::listTags)
                .post("/namespaces/{ns}/tags", this::createTags)
                .delete("/namespaces/{ns}/tags", this::deleteTags)
                .any("/namespaces/{ns}/tags", ApiSupport.methodsAllowed("GET, POST, DELETE"))
                .get("/namespaces/{ns}/tags/{name}", this::showTag)
                .post("/namespaces/{ns}/tags/{name}", this::createTag)
                .put("/namespaces/{ns}/tags/{name}", this::updateTag)
                .delete("/namespaces/{ns}/tags/{name}", this::deleteTag)
                .any("/namespaces/{ns}/tags/{name}", ApiSupport.methodsAllowed("GET, POST, PUT, DELETE"));
    }

    private static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }

    // --- documents

    private static void put(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    private static String self(Namespace n) {
        return self(n.namespace());
    }

    private static String self(String namespace) {
        return "/v2/metadefs/namespaces/" + namespace;
    }

    private ObjectNode namespaceDocument(Detail d) {
        Namespace n = d.namespace();
        ObjectNode o = api.json().createObjectNode();
        o.put("namespace", n.namespace());
        put(o, "display_name", n.displayName());
        put(o, "description", n.description());
        o.put("visibility", n.visibility());
        o.put("protected", n.isProtected());
        o.put("owner", n.owner());
        o.put("created_at", TaskViews.time(n.createdAt()));
        o.put("updated_at", TaskViews.time(n.updatedAt()));
        if (!d.associations().isEmpty()) {
            ArrayNode a = o.putArray("resource_type_associations");
            d.associations().forEach(x -> a.add(associationDocument(x)));
        }
        if (!d.properties().isEmpty()) {
            ObjectNode p = o.putObject("properties");
            d.properties().forEach(x -> p.set(x.name(), propertyDocument(x)));
        }
        if (!d.objects().isEmpty()) {
            ArrayNode a = o.putArray("objects");
            d.objects().forEach(x -> a.add(objectDocument(n.namespace(), x, true)));
        }
        if (!d.tags().isEmpty()) {
            ArrayNode a = o.putArray("tags");
            d.tags().forEach(x -> a.addObject().put("name", x.name()));
        }
        o.put("self", self(n));
        o.put("schema", "/v2/schemas/metadefs/namespace");
        return o;
    }

    private ObjectNode associationDocument(Association a) {
        ObjectNode o = api.json().createObjectNode();
        o.put("name", a.name());
        put(o, "prefix", a.prefix());
        put(o, "properties_target", a.propertiesTarget());
        o.put("created_at", TaskViews.time(a.createdAt()));
        o.put("updated_at", TaskViews.time(a.updatedAt()));
        return o;
    }

    private JsonNode stored(Definition d) {
        return api.json().readTree(d.document());
    }

    /** An object: its stored fields, with {@code required} and {@code properties} defaulted on reads, as Glance's. */
    private ObjectNode objectDocument(String namespace, Definition d, boolean read) {
        ObjectNode body = (ObjectNode) stored(d);
        ObjectNode o = api.json().createObjectNode();
        o.put("name", d.name());
        if (body.has("description")) {
            o.set("description", body.get("description"));
        }
        if (body.has("required") || read) {
            o.set("required", body.has("required") ? body.get("required") : api.json().createArrayNode());
        }
        if (body.has("properties") || read) {
            o.set("properties", body.has("properties") ? body.get("properties") : api.json().createObjectNode());
        }
        o.put("created_at", TaskViews.time(d.createdAt()));
        o.put("updated_at", TaskViews.time(d.updatedAt()));
        o.put("self", self(namespace) + "/objects/" + d.name());
        o.put("schema", "/v2/schemas/metadefs/object");
        return o;
    }

    /** A property is its definition as given: name first, then type and title, then the rest. */
    private ObjectNode propertyDocument(Definition d) {
        ObjectNode body = (ObjectNode) stored(d);
        ObjectNode o = api.json().createObjectNode();
        o.put("name", d.name());
        for (String first : List.of("type", "title")) {
            if (body.has(first)) {
                o.set(first, body.get(first));
            }
        }
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (!o.has(e.getKey())) {
                o.set(e.getKey(), e.getValue());
            }
        }
        return o;
    }

    private ObjectNode tagDocument(Tag t) {
        ObjectNode o = api.json().createObjectNode();
        o.put("name", t.name());
        o.put("created_at", TaskViews.time(t.createdAt()));
        o.put("updated_at", TaskViews.time(t.updatedAt()));
        return o;
    }

    // --- request bodies

    private ObjectNode body(ServerRequest req, String schema) {
        JsonNode body = api.readJson(req);
        if (!body.isObject()) {
            throw ApiException.badRequest("Provided object does not match schema '" + schema + "': not an object");
        }
        schemas.validateMetadef(schema, body).ifPresent(m -> {
            throw ApiException.badRequest(m);
        });
        return (ObjectNode) body;
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    /**
     * A name that addresses a resource in a path: not empty, no slash, not {@code .} or {@code ..}
     * (it could never be reached), no control character (it goes into the Location header).
     */
    private static String name(JsonNode body, String field) {
        String name = text(body, field);
        if (name == null || name.isBlank() || name.contains("/") || name.equals(".") || name.equals("..")
                || CONTROL.matcher(name).find()) {
            throw ApiException.badRequest("'" + field + "' must be a non-empty name without '/' or control "
                    + "characters, and not '.' or '..'.");
        }
        return name;
    }

    private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("\\p{Cc}");

    /** The client's document without the fields the server sets, bounded in size. */
    private String document(ObjectNode body) {
        ObjectNode copy = body.deepCopy();
        copy.remove(SERVER_SET);
        copy.remove("name");
        String text = api.json().writeValueAsString(copy);
        if (text.length() > MAX_DOCUMENT_CHARS) {
            throw new ApiException(Status.REQUEST_ENTITY_TOO_LARGE_413,
                    "A definition may be at most " + MAX_DOCUMENT_CHARS + " characters of JSON.");
        }
        return text;
    }

    private NamespaceChanges namespaceChanges(ObjectNode body) {
        JsonNode prot = body.get("protected");
        return new NamespaceChanges(name(body, "namespace"), text(body, "display_name"), text(body, "description"),
                text(body, "visibility"), prot != null && prot.asBoolean(false), text(body, "owner"));
    }

    // --- namespaces

    private void listNamespaces(ServerRequest req, ServerResponse res) {
        List<String[]> params = QueryString.parse(req.query().rawValue(), MAX_QUERY_PARAMS);
        int limit = DEFAULT_LIMIT;
        String marker = null;
        String visibility = null;
        boolean ascending = false;
        List<String> resourceTypes = List.of();
        List<String[]> kept = new ArrayList<>();
        for (String[] p : params) {
            switch (p[0]) {
                case "limit" -> {
                    try {
                        limit = Integer.parseInt(p[1]);
                    } catch (NumberFormatException e) {
                        throw ApiException.badRequest("limit param must be an integer");
                    }
                    if (limit < 0) {
                        throw ApiException.badRequest("limit param must be positive");
                    }
                    limit = Math.min(limit, MAX_LIMIT);
                }
                case "marker" -> marker = p[1];
                case "visibility" -> {
                    if (!p[1].equals("public") && !p[1].equals("private")) {
                        throw ApiException.badRequest("Invalid visibility value: " + p[1]);
                    }
                    visibility = p[1];
                }
                case "resource_types" -> {
                    resourceTypes = List.of(p[1].split(",", -1)).stream().map(String::strip).filter(s -> !s.isEmpty())
                            .distinct().toList();
                    if (resourceTypes.size() > MAX_RESOURCE_TYPE_FILTERS) {
                        throw ApiException.badRequest("At most " + MAX_RESOURCE_TYPE_FILTERS + " resource types.");
                    }
                }
                case "sort_dir" -> {
                    String dir = p[1].toLowerCase(Locale.ROOT);
                    if (!dir.equals("asc") && !dir.equals("desc")) {
                        throw ApiException.badRequest("Invalid sort direction: " + p[1]);
                    }
                    ascending = dir.equals("asc");
                }
                case "sort_key" -> {
                    if (!p[1].equals("created_at")) {
                        throw ApiException.badRequest("Invalid sort key: " + p[1] + " (Ferry sorts by created_at).");
                    }
                }
                default -> {
                    // Glance ignores parameters it does not know
                }
            }
            if (!p[0].equals("marker")) {
                kept.add(p);
            }
        }
        MetadefService.Page page = metadefs.namespaces(api.identity(req), visibility, resourceTypes, marker, ascending,
                limit);
        ObjectNode body = api.json().createObjectNode();
        ArrayNode list = body.putArray("namespaces");
        page.namespaces().forEach(d -> list.add(namespaceDocument(d)));
        if (page.more() && !page.namespaces().isEmpty()) {
            List<String[]> next = new ArrayList<>(kept);
            next.add(new String[] {"marker", page.namespaces().getLast().namespace().namespace()});
            body.put("next", QueryString.format("/v2/metadefs/namespaces", next));
        }
        body.put("schema", "/v2/schemas/metadefs/namespaces");
        body.put("first", QueryString.format("/v2/metadefs/namespaces", kept));
        api.send(res, Status.OK_200, body);
    }

    private void createNamespace(ServerRequest req, ServerResponse res) {
        ObjectNode body = body(req, "namespace");
        List<AssociationRequest> associations = new ArrayList<>();
        for (JsonNode a : body.path("resource_type_associations")) {
            if (!a.isObject()) {
                throw ApiException.badRequest("resource_type_associations must hold objects.");
            }
            schemas.validateMetadef("resource_type", a).ifPresent(m -> {
                throw ApiException.badRequest(m);
            });
            associations.add(new AssociationRequest(name(a, "name"), text(a, "prefix"), text(a, "properties_target")));
        }
        List<Definition> objects = new ArrayList<>();
        java.time.Instant epoch = java.time.Instant.EPOCH; // the service stamps them with its clock
        for (JsonNode o : body.path("objects")) {
            if (!o.isObject()) {
                throw ApiException.badRequest("objects must hold objects.");
            }
            schemas.validateMetadef("object", o).ifPresent(m -> {
                throw ApiException.badRequest(m);
            });
            objects.add(new Definition(name(o, "name"), document((ObjectNode) o), epoch, epoch));
        }
        List<Definition> properties = new ArrayList<>();
        for (Map.Entry<String, JsonNode> p : body.path("properties").properties()) {
            if (!p.getValue().isObject() || p.getKey().isBlank() || p.getKey().length() > 80 || p.getKey().contains("/")) {
                throw ApiException.badRequest("properties must map names to property definitions.");
            }
            properties.add(new Definition(p.getKey(), document((ObjectNode) p.getValue()), epoch, epoch));
        }
        List<String> tags = new ArrayList<>();
        for (JsonNode t : body.path("tags")) {
            if (!t.isObject()) {
                throw ApiException.badRequest("tags must hold objects with a name.");
            }
            schemas.validateMetadef("tag", t).ifPresent(m -> {
                throw ApiException.badRequest(m);
            });
            tags.add(name(t, "name"));
        }
        Detail d = metadefs.createNamespace(api.identity(req), namespaceChanges(body), associations, objects,
                properties, tags);
        ObjectNode doc = namespaceDocument(d);
        // the name as one encoded path segment: a header value must be a valid URI
        res.header(HeaderNames.LOCATION, api.baseUrl(req) + self(java.net.URLEncoder.encode(d.namespace().namespace(),
                java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")));
        api.send(res, Status.CREATED_201, doc);
    }

    private void showNamespace(ServerRequest req, ServerResponse res) {
        api.send(res, Status.OK_200, namespaceDocument(metadefs.namespace(api.identity(req), param(req, "ns"))));
    }

    private void updateNamespace(ServerRequest req, ServerResponse res) {
        ObjectNode body = body(req, "namespace");
        Namespace n = metadefs.updateNamespace(api.identity(req), param(req, "ns"), namespaceChanges(body));
        api.send(res, Status.OK_200, namespaceDocument(new Detail(n, List.of(), List.of(), List.of(), List.of())));
    }

    private void deleteNamespace(ServerRequest req, ServerResponse res) {
        metadefs.deleteNamespace(api.identity(req), param(req, "ns"));
        res.status(Status.NO_CONTENT_204).send();
    }

    // --- resource types

    private void listResourceTypes(ServerRequest req, ServerResponse res) {
        ObjectNode body = api.json().createObjectNode();
        ArrayNode list = body.putArray("resource_types");
        for (ResourceType t : metadefs.resourceTypes(api.identity(req))) {
            ObjectNode o = list.addObject();
            o.put("name", t.name());
            o.put("created_at", TaskViews.time(t.createdAt()));
            if (t.updatedAt() != null) {
                o.put("updated_at", TaskViews.time(t.updatedAt()));
            }
        }
        api.send(res, Status.OK_200, body);
    }

    private void listAssociations(ServerRequest req, ServerResponse res) {
        ObjectNode body = api.json().createObjectNode();
        ArrayNode list = body.putArray("resource_type_associations");
        metadefs.associations(api.identity(req), param(req, "ns")).forEach(a -> list.add(associationDocument(a)));
        api.send(res, Status.OK_200, body);
    }

    private void associate(ServerRequest req, ServerResponse res) {
        ObjectNode body = body(req, "resource_type");
        Association a = metadefs.associate(api.identity(req), param(req, "ns"),
                new AssociationRequest(name(body, "name"), text(body, "prefix"), text(body, "properties_target")));
        api.send(res, Status.CREATED_201, associationDocument(a));
    }

    private void dissociate(ServerRequest req, ServerResponse res) {
        metadefs.dissociate(api.identity(req), param(req, "ns"), param(req, "name"));
        res.status(Status.NO_CONTENT_204).send();
    }

    // --- objects and properties

    private static String schemaOf(Kind kind) {
        return kind == Kind.OBJECT ? "object" : "property";
    }

    private void listDefinitions(ServerRequest req, ServerResponse res, Kind kind) {
        String ns = param(req, "ns");
        List<Definition> all = metadefs.definitions(api.identity(req), kind, ns);
        ObjectNode body = api.json().createObjectNode();
        if (kind == Kind.OBJECT) {
            ArrayNode list = body.putArray("objects");
            all.forEach(d -> list.add(objectDocument(ns, d, true)));
            body.put("schema", "v2/schemas/metadefs/objects"); // sic: Glance's has no leading slash
        } else {
            ObjectNode map = body.putObject("properties");
            all.forEach(d -> map.set(d.name(), propertyDocument(d)));
        }
        api.send(res, Status.OK_200, body);
    }

    private void showDefinition(ServerRequest req, ServerResponse res, Kind kind) {
        String ns = param(req, "ns");
        Definition d = metadefs.definition(api.identity(req), kind, ns, param(req, "name"));
        api.send(res, Status.OK_200, kind == Kind.OBJECT
                ? objectDocument(ns, d, true) : propertyDocument(d));
    }

    private void createDefinition(ServerRequest req, ServerResponse res, Kind kind) {
        ObjectNode body = body(req, schemaOf(kind));
        String ns = param(req, "ns");
        Definition d = metadefs.createDefinition(api.identity(req), kind, ns, name(body, "name"), document(body));
        api.send(res, Status.CREATED_201, kind == Kind.OBJECT
                ? objectDocument(ns, d, false) : propertyDocument(d));
    }

    private void updateDefinition(ServerRequest req, ServerResponse res, Kind kind) {
        ObjectNode body = body(req, schemaOf(kind));
        String ns = param(req, "ns");
        Definition d = metadefs.updateDefinition(api.identity(req), kind, ns, param(req, "name"), name(body, "name"),
                document(body));
        api.send(res, Status.OK_200, kind == Kind.OBJECT
                ? objectDocument(ns, d, false) : propertyDocument(d));
    }

    private void deleteDefinition(ServerRequest req, ServerResponse res, Kind kind) {
        metadefs.deleteDefinition(api.identity(req), kind, param(req, "ns"), param(req, "name"));
        res.status(Status.NO_CONTENT_204).send();
    }

    // --- tags

    private void listTags(ServerRequest req, ServerResponse res) {
        ObjectNode body = api.json().createObjectNode();
        ArrayNode list = body.putArray("tags");
        metadefs.tags(api.identity(req), param(req, "ns")).forEach(t -> list.addObject().put("name", t.name()));
        api.send(res, Status.OK_200, body);
    }

    private void showTag(ServerRequest req, ServerResponse res) {
        api.send(res, Status.OK_200, tagDocument(metadefs.tag(api.identity(req), param(req, "ns"), param(req, "name"))));
    }

    /** The tag's name comes from the path; Glance's schema bounds it to 80 characters. */
    private static String pathTag(ServerRequest req) {
        String name = param(req, "name");
        if (name.isBlank() || name.length() > 80) {
            throw ApiException.badRequest("A tag name must be 1 to 80 characters.");
        }
        return name;
    }

    private void createTag(ServerRequest req, ServerResponse res) {
        Tag t = metadefs.createTag(api.identity(req), param(req, "ns"), pathTag(req));
        api.send(res, Status.CREATED_201, tagDocument(t));
    }

    private void createTags(ServerRequest req, ServerResponse res) {
        ObjectNode body = body(req, "tags");
        JsonNode tags = body.get("tags");
        if (tags == null || !tags.isArray()) {
            throw ApiException.badRequest("Provided object does not match schema 'tags': 'tags' is a required property");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode t : tags) {
            if (!t.isObject()) {
                throw ApiException.badRequest("Each tag must be an object with a name.");
            }
            schemas.validateMetadef("tag", t).ifPresent(m -> {
                throw ApiException.badRequest(m);
            });
            names.add(name(t, "name"));
        }
        boolean append = req.headers().first(HeaderNames.create("X-Openstack-Append"))
                .map(v -> TRUE_WORDS.contains(v.strip().toLowerCase(Locale.ROOT))).orElse(false);
        List<Tag> made = metadefs.createTags(api.identity(req), param(req, "ns"), names, append);
        ObjectNode out = api.json().createObjectNode();
        ArrayNode list = out.putArray("tags");
        made.forEach(t -> list.addObject().put("name", t.name()));
        api.send(res, Status.CREATED_201, out);
    }

    private void updateTag(ServerRequest req, ServerResponse res) {
        ObjectNode body = body(req, "tag");
        Tag t = metadefs.renameTag(api.identity(req), param(req, "ns"), param(req, "name"), name(body, "name"));
        api.send(res, Status.OK_200, tagDocument(t));
    }

    private void deleteTag(ServerRequest req, ServerResponse res) {
        metadefs.deleteTag(api.identity(req), param(req, "ns"), param(req, "name"));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void deleteTags(ServerRequest req, ServerResponse res) {
        metadefs.deleteTags(api.identity(req), param(req, "ns"));
        res.status(Status.NO_CONTENT_204).send();
    }
}
