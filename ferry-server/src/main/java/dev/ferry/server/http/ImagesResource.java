package dev.ferry.server.http;

import dev.ferry.server.identity.Identity;
import dev.ferry.server.images.Image;
import dev.ferry.server.images.ImageAttributes;
import dev.ferry.server.images.ImageMember;
import dev.ferry.server.images.ImageQuery;
import dev.ferry.server.images.ImageRequestException;
import dev.ferry.server.images.ImageService;
import dev.ferry.server.images.ImageStores;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v2/images}: create, list, show, PATCH, delete, data upload and download, tags, members,
 * deactivate/reactivate (api-surface.md section 2). Every other verb is 405 with an Allow header.
 */
public final class ImagesResource implements HttpService {

    private static final int MAX_QUERY_PARAMS = 100;
    private static final int MAX_IN_VALUES = 100;
    private static final int MAX_TAG_FILTERS = 20;
    private static final int MAX_PROPERTY_FILTERS = 20;
    private static final int MAX_SORT_KEYS = 10;
    private static final Set<String> VISIBILITIES = Set.of("public", "private", "shared", "community");

    private final ImageService images;
    private final ImageStores imageStores;
    private final ApiSupport api;
    private final Schemas schemas;

    private final List<String> importMethods;

    /**
     * @param stores        the images' stores (multistore: {@code stores} on images, {@code OpenStack-image-store-ids})
     * @param importMethods announced on create in {@code OpenStack-image-import-methods}, as Glance
     */
    public ImagesResource(ImageService images, ImageStores stores, ApiSupport api, Schemas schemas,
                          List<String> importMethods) {
        this.images = images;
        this.imageStores = stores;
        this.api = api;
        this.schemas = schemas;
        this.importMethods = List.copyOf(importMethods);
    }

    @Override
    public void routing(HttpRules rules) {
        // Glance's routes know /v2/images, not /v2/images/: an empty image id is 404 (tempest's *_null_id tests)
        rules.any("/", (req, res) -> {
            if (req.prologue().uriPath().rawPath().endsWith("/")) {
                throw new ApiException(Status.NOT_FOUND_404, "The resource could not be found.");
            }
            res.next();
        });
        rules.get("/", this::list)
                .post("/", this::create)
                .any("/", ApiSupport.methodsAllowed("GET, POST"))
                .get("/{id}", this::show)
                .patch("/{id}", this::patch)
                .delete("/{id}", this::delete)
                .any("/{id}", ApiSupport.methodsAllowed("GET, PATCH, DELETE"))
                .get("/{id}/file", this::download)
                .put("/{id}/file", this::upload)
                .any("/{id}/file", ApiSupport.methodsAllowed("GET, PUT"))
                .put("/{id}/tags/{tag}", this::addTag)
                .delete("/{id}/tags/{tag}", this::removeTag)
                .any("/{id}/tags/{tag}", ApiSupport.methodsAllowed("PUT, DELETE"))
                .get("/{id}/members", this::listMembers)
                .post("/{id}/members", this::addMember)
                .any("/{id}/members", ApiSupport.methodsAllowed("GET, POST"))
                .get("/{id}/members/{member}", this::showMember)
                .put("/{id}/members/{member}", this::updateMember)
                .delete("/{id}/members/{member}", this::deleteMember)
                .any("/{id}/members/{member}", ApiSupport.methodsAllowed("GET, PUT, DELETE"))
                .post("/{id}/actions/deactivate", this::deactivate)
                .any("/{id}/actions/deactivate", ApiSupport.methodsAllowed("POST"))
                .post("/{id}/actions/reactivate", this::reactivate)
                .any("/{id}/actions/reactivate", ApiSupport.methodsAllowed("POST"));
    }

    /** The HTTP answer for a refusal of the image service. */
    static Status status(ImageRequestException e) {
        return switch (e.kind()) {
            case BAD_REQUEST -> Status.BAD_REQUEST_400;
            case FORBIDDEN -> Status.FORBIDDEN_403;
            case CONFLICT -> Status.CONFLICT_409;
            case TOO_LARGE -> Status.REQUEST_ENTITY_TOO_LARGE_413;
            case GONE -> Status.GONE_410;
            case UNSUPPORTED_MEDIA_TYPE -> Status.UNSUPPORTED_MEDIA_TYPE_415;
            case NOT_FOUND -> Status.NOT_FOUND_404;
        };
    }

    /** Glance registers its image GET and DELETE routes with body_reject. */
    private static void rejectBody(ServerRequest req) {
        if (req.headers().contentLength().orElse(0) > 0 || req.headers().contains(HeaderNames.TRANSFER_ENCODING)) {
            throw ApiException.badRequest("A body is not expected with this request.");
        }
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    // --- create, show, patch, delete

    /** The id a create body chooses, if any; checked by the schema first ({@code toAttributes}). */
    static UUID clientImageId(ObjectNode doc) {
        return doc.hasNonNull("id") ? UUID.fromString(doc.get("id").asString()) : null;
    }

    private void create(ServerRequest req, ServerResponse res) {
        Identity who = api.identity(req);
        JsonNode body = api.readJson(req);
        if (!body.isObject()) {
            throw ApiException.badRequest("Unexpected body type. Expected list/dict.");
        }
        ObjectNode doc = (ObjectNode) body;
        for (String name : doc.propertyNames()) {
            ImageDocument.checkWritable(name, true);
        }
        ImageAttributes attributes = ImageDocument.toAttributes(schemas, doc);
        UUID id = clientImageId(doc);
        Image image = images.create(who, id, attributes);
        res.header(HeaderNames.LOCATION, api.baseUrl(req) + "/v2/images/" + image.id());
        if (!importMethods.isEmpty()) {
            res.header("OpenStack-image-import-methods", String.join(",", importMethods));
        }
        if (imageStores.stores().multistore()) {
            res.header("OpenStack-image-store-ids", String.join(",", imageStores.stores().ids()));
        }
        api.send(res, Status.CREATED_201, view(image));
    }

    private void show(ServerRequest req, ServerResponse res) {
        rejectBody(req);
        Image image = images.get(api.identity(req), id(req));
        api.send(res, Status.OK_200, view(image));
    }

    private void patch(ServerRequest req, ServerResponse res) {
        Identity who = api.identity(req);
        Optional<Boolean> v21 = ImagePatch.isV21(req.headers().first(HeaderNames.CONTENT_TYPE).orElse(null));
        Image current = images.get(who, id(req));
        if (v21.isEmpty()) {
            res.header("Accept-Patch", ImagePatch.ACCEPT_PATCH);
            throw new ApiException(Status.UNSUPPORTED_MEDIA_TYPE_415, "Unsupported Content-Type: use "
                    + ImagePatch.V2_1 + " (or the deprecated " + ImagePatch.V2_0 + ").");
        }
        JsonNode body = api.readJsonBody(req);
        ObjectNode doc = ImageDocument.of(api.json(), current);
        ImagePatch.apply(body, doc, v21.get());
        Image changed = images.update(who, current, ImageDocument.toAttributes(schemas, doc));
        api.send(res, Status.OK_200, view(changed));
    }

    private void delete(ServerRequest req, ServerResponse res) throws IOException {
        rejectBody(req);
        images.delete(api.identity(req), id(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void deactivate(ServerRequest req, ServerResponse res) {
        images.deactivate(api.identity(req), id(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void reactivate(ServerRequest req, ServerResponse res) {
        images.reactivate(api.identity(req), id(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    // --- tags

    private void addTag(ServerRequest req, ServerResponse res) {
        String tag = req.path().pathParameters().get("tag");
        if (tag.isEmpty() || tag.length() > ImageService.MAX_KEY_LENGTH) {
            throw ApiException.badRequest("A tag must be 1 to " + ImageService.MAX_KEY_LENGTH + " characters long.");
        }
        images.addTag(api.identity(req), id(req), tag);
        res.status(Status.NO_CONTENT_204).send();
    }

    private void removeTag(ServerRequest req, ServerResponse res) {
        rejectBody(req);
        String tag = req.path().pathParameters().get("tag");
        if (!images.removeTag(api.identity(req), id(req), tag)) {
            throw new ApiException(Status.NOT_FOUND_404, "Tag " + tag + " not found.");
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    // --- members

    private void listMembers(ServerRequest req, ServerResponse res) {
        rejectBody(req);
        List<ImageMember> members = images.members(api.identity(req), id(req));
        ObjectNode body = api.json().createObjectNode();
        ArrayNode list = body.putArray("members");
        members.forEach(m -> list.add(memberView(m)));
        body.put("schema", "/v2/schemas/members");
        api.send(res, Status.OK_200, body);
    }

    private void showMember(ServerRequest req, ServerResponse res) {
        rejectBody(req);
        ImageMember m = images.member(api.identity(req), id(req), req.path().pathParameters().get("member"));
        api.send(res, Status.OK_200, memberView(m));
    }

    private void addMember(ServerRequest req, ServerResponse res) {
        Identity who = api.identity(req);
        JsonNode body = api.readJson(req);
        JsonNode member = body.get("member");
        if (!body.isObject() || member == null || !member.isString() || body.size() != 1) {
            throw ApiException.badRequest("Request body must be {\"member\": \"<project id>\"}.");
        }
        ImageMember m = images.addMember(who, id(req), member.asString());
        api.send(res, Status.OK_200, memberView(m));
    }

    private void updateMember(ServerRequest req, ServerResponse res) {
        Identity who = api.identity(req);
        JsonNode body = api.readJson(req);
        JsonNode status = body.get("status");
        if (!body.isObject() || status == null || !status.isString() || body.size() != 1) {
            throw ApiException.badRequest("Request body must be {\"status\": \"accepted|rejected|pending\"}.");
        }
        ImageMember m = images.updateMember(who, id(req), req.path().pathParameters().get("member"), status.asString());
        api.send(res, Status.OK_200, memberView(m));
    }

    private void deleteMember(ServerRequest req, ServerResponse res) {
        rejectBody(req);
        images.deleteMember(api.identity(req), id(req), req.path().pathParameters().get("member"));
        res.status(Status.NO_CONTENT_204).send();
    }

    private ObjectNode memberView(ImageMember m) {
        ObjectNode n = api.json().createObjectNode();
        n.put("created_at", TaskViews.time(m.createdAt()));
        n.put("image_id", m.imageId().toString());
        n.put("member_id", m.memberId());
        n.put("schema", "/v2/schemas/member");
        n.put("status", m.status());
        n.put("updated_at", TaskViews.time(m.updatedAt()));
        return n;
    }

    // --- list

    private void list(ServerRequest req, ServerResponse res) {
        rejectBody(req);
        Identity who = api.identity(req);
        List<String[]> params = QueryString.parse(req.query().rawValue(), MAX_QUERY_PARAMS);
        Map<String, String> equals = new HashMap<>();
        Map<String, List<String>> in = new HashMap<>();
        Map<String, Long> numbers = new HashMap<>();
        Map<String, String> properties = new HashMap<>();
        List<ImageQuery.TimeFilter> times = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        List<String> sortKeys = new ArrayList<>();
        List<String> sortDirs = new ArrayList<>();
        String sortParam = null;
        String visibility = null;
        String memberStatus = "accepted";
        Boolean isProtected = null;
        Boolean osHidden = false;
        Long sizeMin = null;
        Long sizeMax = null;
        Long size = null;
        int limit = ImageQuery.DEFAULT_LIMIT;
        String marker = null;
        for (String[] p : params) {
            String name = p[0];
            String value = p[1];
            switch (name) {
                case "limit" -> limit = parseLimit(value);
                case "marker" -> marker = value;
                case "sort_key" -> sortKeys.add(value);
                case "sort_dir" -> sortDirs.add(value);
                case "sort" -> sortParam = value;
                case "visibility" -> {
                    if (!VISIBILITIES.contains(value) && !value.equals("all")) {
                        throw ApiException.badRequest("Invalid visibility value: " + value);
                    }
                    visibility = value;
                }
                case "member_status" -> {
                    if (!Set.of("pending", "accepted", "rejected", "all").contains(value)) {
                        throw ApiException.badRequest("Invalid status value: " + value);
                    }
                    memberStatus = value;
                }
                case "tag" -> {
                    if (tags.size() >= MAX_TAG_FILTERS) {
                        throw ApiException.badRequest("Too many tag filters (at most " + MAX_TAG_FILTERS + ").");
                    }
                    tags.add(value);
                }
                case "protected" -> isProtected = parseBoolean(name, value);
                case "os_hidden" -> osHidden = parseBoolean(name, value);
                case "size_min" -> sizeMin = parseSize(name, value);
                case "size_max" -> sizeMax = parseSize(name, value);
                case "size" -> size = parseSize(name, value);
                case "created_at", "updated_at" -> times.add(parseTime(name, value));
                case "changes-since" -> throw ApiException.badRequest("The 'changes-since' filter is no longer "
                        + "available on the v2 API.");
                default -> {
                    if (ImageQuery.NUMERIC_COLUMNS.contains(name)) {
                        numbers.put(name, parseSize(name, value));
                    } else if (!ImageQuery.EQUALITY_COLUMNS.contains(name)) {
                        // as Glance: any other key filters on the image property of that name
                        if (properties.size() >= MAX_PROPERTY_FILTERS && !properties.containsKey(name)) {
                            throw ApiException.badRequest("Too many property filters (at most "
                                    + MAX_PROPERTY_FILTERS + ").");
                        }
                        properties.put(name, value);
                    } else if (value.startsWith("in:") && ImageQuery.IN_COLUMNS.contains(name)) {
                        List<String> values = splitIn(value.substring(3));
                        in.put(name, values);
                    } else {
                        equals.put(name, value);
                    }
                }
            }
        }
        if (size != null) { // Glance's equality filter on the size column: both bounds at that size
            sizeMin = sizeMin == null ? size : Math.max(sizeMin, size);
            sizeMax = sizeMax == null ? size : Math.min(sizeMax, size);
        }
        List<ImageQuery.Sort> sort = parseSort(sortParam, sortKeys, sortDirs);
        Image markerImage = marker == null ? null : images.marker(who, marker);
        ImageQuery query = new ImageQuery(images.isAdmin(who) ? null : who.projectId(), visibility, memberStatus, equals, in,
                numbers, properties, times, tags, isProtected, osHidden, sizeMin, sizeMax, sort, limit, markerImage);
        List<Image> page = images.list(query);

        ObjectNode body = api.json().createObjectNode();
        ArrayNode list = body.putArray("images");
        Map<UUID, List<String>> stores = imageStores.stores().multistore() ? imageStores.storesOf(page) : Map.of();
        page.forEach(i -> list.add(view(i, stores.getOrDefault(i.id(), List.of()))));
        List<String[]> kept = new ArrayList<>();
        for (String[] p : params) {
            if (!p[0].equals("marker")) {
                kept.add(p);
            }
        }
        body.put("first", QueryString.format("/v2/images", kept));
        body.put("schema", "/v2/schemas/images");
        if (limit > 0 && page.size() == limit) {
            kept.add(new String[] {"marker", page.getLast().id().toString()});
            body.put("next", QueryString.format("/v2/images", kept));
        }
        api.send(res, Status.OK_200, body);
    }

    private static int parseLimit(String value) {
        if (!value.matches("-?\\d{1,18}")) {
            throw ApiException.badRequest("limit param must be an integer");
        }
        long l = Long.parseLong(value);
        if (l < 0) {
            throw ApiException.badRequest("limit param must be positive");
        }
        return (int) Math.min(l, ImageQuery.MAX_LIMIT);
    }

    private static boolean parseBoolean(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest("Invalid value for " + name + ": " + value
                    + " (expected true or false).");
        };
    }

    private static long parseSize(String name, String value) {
        if (!value.matches("\\d{1,18}")) {
            throw ApiException.badRequest("Invalid value for " + name + ": " + value
                    + " (expected a non-negative integer).");
        }
        return Long.parseLong(value);
    }

    private static ImageQuery.TimeFilter parseTime(String name, String value) {
        String operator = "eq";
        String time = value;
        int colon = value.indexOf(':');
        if (colon > 0 && ImageQuery.TimeFilter.OPERATORS.containsKey(value.substring(0, colon))) {
            operator = value.substring(0, colon);
            time = value.substring(colon + 1);
        }
        try {
            Instant t = time.endsWith("Z") ? Instant.parse(time) : OffsetDateTime.parse(time).toInstant();
            return new ImageQuery.TimeFilter(name, operator, t.toEpochMilli());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw ApiException.badRequest("Unable to filter on " + name + ": '" + value
                    + "' is not [operator:]ISO 8601 time (operators gt, gte, eq, neq, lt, lte).");
        }
    }

    private static List<String> splitIn(String values) {
        List<String> out = new ArrayList<>();
        for (String v : values.split(",", -1)) {
            if (out.size() >= MAX_IN_VALUES) {
                throw ApiException.badRequest("Too many values for the 'in' operator (at most " + MAX_IN_VALUES + ").");
            }
            out.add(v.strip());
        }
        return out;
    }

    private static List<ImageQuery.Sort> parseSort(String sortParam, List<String> keys, List<String> dirs) {
        List<ImageQuery.Sort> sort = new ArrayList<>();
        if (sortParam != null) {
            if (!keys.isEmpty() || !dirs.isEmpty()) {
                throw ApiException.badRequest("The 'sort' param cannot be combined with 'sort_key' or 'sort_dir'.");
            }
            for (String part : sortParam.split(",", -1)) {
                String[] kd = part.strip().split(":", -1);
                if (kd.length > 2 || sort.size() >= MAX_SORT_KEYS) {
                    throw ApiException.badRequest("Invalid sort: " + sortParam);
                }
                sort.add(new ImageQuery.Sort(sortKey(kd[0].strip()), kd.length == 1 || ascending(kd[1].strip())));
                if (kd.length == 1) {
                    sort.set(sort.size() - 1, new ImageQuery.Sort(sort.getLast().key(), false));
                }
            }
            return sort;
        }
        if (keys.size() > MAX_SORT_KEYS) {
            throw ApiException.badRequest("Too many sort keys (at most " + MAX_SORT_KEYS + ").");
        }
        if (keys.isEmpty()) {
            keys = List.of("created_at");
        }
        if (dirs.size() > 1 && dirs.size() != keys.size()) {
            throw ApiException.badRequest("Number of sort dirs does not match the number of sort keys");
        }
        for (int i = 0; i < keys.size(); i++) {
            boolean asc = dirs.isEmpty() ? false : ascending(dirs.size() == 1 ? dirs.getFirst() : dirs.get(i));
            sort.add(new ImageQuery.Sort(sortKey(keys.get(i)), asc));
        }
        return sort;
    }

    private static ImageQuery.SortKey sortKey(String key) {
        return ImageQuery.SortKey.parse(key).orElseThrow(() -> ApiException.badRequest("Invalid sort key: " + key
                + ". It should be one of name, status, container_format, disk_format, size, id, created_at, "
                + "updated_at."));
    }

    private static boolean ascending(String dir) {
        return switch (dir) {
            case "asc" -> true;
            case "desc" -> false;
            default -> throw ApiException.badRequest("Invalid sort direction: " + dir);
        };
    }

    // --- data

    private void upload(ServerRequest req, ServerResponse res) throws IOException {
        Identity who = api.identity(req);
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!type.split(";", 2)[0].strip().equalsIgnoreCase("application/octet-stream")) {
            throw new ApiException(Status.UNSUPPORTED_MEDIA_TYPE_415, "Unsupported Content-Type: image data must be "
                    + "sent as application/octet-stream.");
        }
        if (req.headers().contentLength().orElse(0) > images.maxUploadBytes()) {
            throw new ImageRequestException(ImageRequestException.Kind.TOO_LARGE, "Image exceeds the storage quota: "
                    + "uploads are limited to " + images.maxUploadBytes() + " bytes.");
        }
        Long declared = null;
        Optional<String> size = req.headers().first(HeaderNames.create("x-openstack-image-size"));
        if (size.isPresent()) {
            if (!size.get().strip().matches("\\d{1,18}")) {
                throw ApiException.badRequest("x-openstack-image-size must be a non-negative integer.");
            }
            declared = Long.parseLong(size.get().strip());
        }
        InputStream body = req.content().hasEntity() ? req.content().inputStream() : InputStream.nullInputStream();
        try (InputStream in = body) {
            images.upload(who, id(req), in, declared, storeHeader(req));
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    private void download(ServerRequest req, ServerResponse res) throws IOException {
        rejectBody(req);
        Identity who = api.identity(req);
        Image image = images.get(who, id(req));
        images.checkDownload(who, image);
        Optional<InputStream> data = images.openData(image);
        if (data.isEmpty()) {
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        try (InputStream in = data.get()) {
            res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
            if (image.checksum() != null) {
                res.header("Content-MD5", image.checksum());
            }
            long size = image.size() == null ? -1 : image.size();
            Optional<String> range = req.headers().first(HeaderNames.RANGE);
            if (range.isPresent() && size >= 0) {
                long[] r = parseRange(range.get(), size);
                if (r == null) {
                    res.header(HeaderNames.CONTENT_RANGE, "bytes */" + size);
                    throw new ApiException(Status.REQUESTED_RANGE_NOT_SATISFIABLE_416,
                            "Requested range not satisfiable: " + range.get());
                }
                in.skipNBytes(r[0]);
                res.status(Status.PARTIAL_CONTENT_206);
                res.header(HeaderNames.CONTENT_RANGE, "bytes " + r[0] + "-" + r[1] + "/" + size);
                res.contentLength(r[1] - r[0] + 1);
                try (OutputStream out = res.outputStream()) {
                    copy(in, out, r[1] - r[0] + 1);
                }
                return;
            }
            if (size >= 0) {
                res.contentLength(size);
            }
            try (OutputStream out = res.outputStream()) {
                in.transferTo(out);
            }
        }
    }

    /** One range {@code bytes=A-B}, {@code bytes=A-} or {@code bytes=-N}; null if not satisfiable or not understood. */
    static long[] parseRange(String header, long size) {
        String h = header.strip();
        if (!h.startsWith("bytes=") || h.contains(",") || size == 0 || h.length() > 100) {
            return null;
        }
        String spec = h.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).strip();
            String b = spec.substring(dash + 1).strip();
            long first;
            long last;
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix <= 0) {
                    return null;
                }
                first = Math.max(0, size - suffix);
                last = size - 1;
            } else {
                first = Long.parseLong(a);
                last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            }
            if (first < 0 || first > last || first >= size) {
                return null;
            }
            return new long[] {first, last};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void copy(InputStream in, OutputStream out, long count) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = count;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("image data ended early");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    /** The image as Glance shows it; with multistore, its {@code stores} (one query). */
    /** Glance's {@code X-Image-Meta-Store} request header, or null. */
    static String storeHeader(ServerRequest req) {
        return req.headers().first(HeaderNames.create("X-Image-Meta-Store")).map(String::strip).orElse(null);
    }

    private ObjectNode view(Image i) {
        return view(i, imageStores.stores().multistore()
                ? imageStores.storesOf(List.of(i)).getOrDefault(i.id(), List.of())
                : List.of());
    }

    private ObjectNode view(Image i, List<String> stores) {
        ObjectNode n = api.json().createObjectNode();
        n.put("name", i.name());
        n.put("disk_format", i.diskFormat());
        n.put("container_format", i.containerFormat());
        n.put("visibility", i.visibility());
        putLong(n, "size", i.size());
        putLong(n, "virtual_size", i.virtualSize());
        n.put("status", i.status());
        n.put("checksum", i.checksum());
        n.put("protected", i.isProtected());
        n.put("min_ram", i.minRam());
        n.put("min_disk", i.minDisk());
        n.put("owner", i.owner());
        n.put("os_hidden", i.osHidden());
        n.put("os_hash_algo", i.osHashAlgo());
        n.put("os_hash_value", i.osHashValue());
        n.put("id", i.id().toString());
        n.put("created_at", TaskViews.time(i.createdAt()));
        n.put("updated_at", TaskViews.time(i.updatedAt()));
        ArrayNode tags = n.putArray("tags");
        i.tags().forEach(tags::add);
        for (Map.Entry<String, String> p : i.properties().entrySet()) {
            if (!n.has(p.getKey())) {
                n.put(p.getKey(), p.getValue());
            }
        }
        if (!stores.isEmpty()) {
            n.put("stores", String.join(",", stores)); // Glance's comma-separated property
        }
        n.put("self", "/v2/images/" + i.id());
        n.put("file", "/v2/images/" + i.id() + "/file");
        n.put("schema", "/v2/schemas/image");
        return n;
    }

    private static void putLong(ObjectNode n, String key, Long value) {
        if (value == null) {
            n.putNull(key);
        } else {
            n.put(key, value.longValue());
        }
    }
}
