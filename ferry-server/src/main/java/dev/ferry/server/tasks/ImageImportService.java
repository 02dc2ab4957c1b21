package dev.ferry.server.tasks;

import dev.ferry.server.identity.Identity;
import dev.ferry.server.images.Image;
import dev.ferry.server.images.ImageRepository;
import dev.ferry.server.images.ImageRequestException;
import dev.ferry.server.images.ImageService;
import dev.ferry.server.images.ImageStores;
import dev.ferry.server.images.ImageStatus;
import dev.ferry.server.sources.UrlGuard;
import dev.ferry.server.stores.Stores;
import dev.ferry.server.sources.UrlRejectedException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The request side of Glance's interoperable import ({@code POST /v2/images/{id}/import}): the
 * synchronous checks in Glance's order, then, in one transaction, the image goes to
 * {@code importing} with the new task's id as its import lock ({@code os_glance_import_task}) and
 * the {@code api_image_import} task is queued for the worker pool, which runs it with
 * {@link ImportJob} like any import. Also the image's tasks ({@code GET /v2/images/{id}/tasks}).
 */
public final class ImageImportService {

    /** Most tasks shown for one image. */
    static final int MAX_IMAGE_TASKS = 100;
    /** Most stores one import request may name. */
    static final int MAX_STORES = 64;
    /** Longest task input kept (the request body is kept in it, as Glance does). */
    static final int MAX_INPUT_CHARS = 65_536;

    private final ImageService images;
    private final ImageRepository imageRepository;
    private final ImageStores imageStores;
    private final TaskRepository tasks;
    private final List<String> methods;
    private final UrlGuard guard;
    private final Clock clock;
    private final Runnable onCreated;
    private final JsonMapper json;

    /**
     * @param methods   the enabled import methods ({@code import.methods})
     * @param onCreated called after a task is queued (wakes the worker pool)
     */
    public ImageImportService(ImageService images, ImageRepository imageRepository, TaskRepository tasks,
                              List<String> methods, UrlGuard guard, Clock clock, Runnable onCreated, JsonMapper json) {
        this.images = Objects.requireNonNull(images, "images");
        this.imageRepository = Objects.requireNonNull(imageRepository, "imageRepository");
        this.imageStores = new ImageStores(images, imageRepository);
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.methods = List.copyOf(methods);
        this.guard = Objects.requireNonNull(guard, "guard");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.onCreated = Objects.requireNonNull(onCreated, "onCreated");
        this.json = Objects.requireNonNull(json, "json");
    }

    /** The enabled import methods, in configuration order. */
    public List<String> methods() {
        return methods;
    }

    public boolean glanceDirectEnabled() {
        return methods.contains(ImageImport.GLANCE_DIRECT);
    }

    /**
     * Starts an import into image {@code id}; returns the queued task. Refusals are
     * {@link ImageRequestException}s (400, 403, 409) or a not-found image (404).
     */
    public Task importImage(Identity who, String id, JsonNode body, String requestId) {
        return importImage(who, id, body, requestId, null);
    }

    /**
     * {@link #importImage(Identity, String, JsonNode, String)} with Glance's {@code X-Image-Meta-Store}
     * header ({@code storeHeader}, null when absent). A copy-image to stores that all hold the
     * image already ({@code all_stores}) starts nothing: null, as Glance answers 202 then.
     */
    public Task importImage(Identity who, String id, JsonNode body, String requestId, String storeHeader) {
        String method = checkBody(body);
        Image image = images.get(who, id);
        checkStatus(image, method);
        boolean copy = method.equals(ImageImport.COPY_IMAGE);
        if (copy) {
            images.requireAllowed("copy_image", who, image);
        } else {
            images.requireModify(who, image);
        }
        String lock = image.properties().get(ImageImport.LOCK);
        if (lock != null && liveTask(lock)) {
            throw ImageRequestException.conflict("Image has active task");
        }
        List<String> targets = targetStores(body, storeHeader);
        if (copy) {
            List<String> present = imageStores.storesOf(List.of(image)).getOrDefault(image.id(), List.of());
            if (body.path("all_stores").asBoolean(false)) {
                targets.removeAll(present);
                if (targets.isEmpty()) {
                    return null; // Glance: "Exiting copying workflow as image is available in all configured stores."
                }
            } else {
                for (String p : present) {
                    if (targets.contains(p)) {
                        throw ImageRequestException.badRequest("Image is already present at store '" + p + "'");
                    }
                }
            }
        }
        JsonNode uri = body.path("method").get("uri");
        if (!stores().multistore() && body.has("all_stores_must_succeed")
                && !body.get("all_stores_must_succeed").asBoolean()) {
            throw ImageRequestException.badRequest("All_stores_must_succeed can only be set with enabled_backends "
                    + (uri == null || uri.isNull() ? "None" : uri.asString("")));
        }
        if (method.equals(ImageImport.WEB_DOWNLOAD)) {
            checkUri(uri);
        }
        if (method.equals(ImageImport.GLANCE_DIRECT) && !images.hasStagedData(image)) {
            throw ImageRequestException.conflict("Image needs to be staged before 'glance-direct' method can be "
                    + "used: no staged data was found (is the stage request still running?)");
        }
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        input.put("image_id", image.id().toString());
        input.set("import_req", body);
        ArrayNode backend = input.putArray("backend");
        if (stores().multistore()) {
            targets.forEach(backend::add);
        } else {
            backend.addNull(); // Glance's stores list without multistore: [None]
        }
        String inputText = json.writeValueAsString(input);
        if (inputText.length() > MAX_INPUT_CHARS) {
            throw new ImageRequestException(ImageRequestException.Kind.TOO_LARGE, "The import request is longer than "
                    + MAX_INPUT_CHARS + " characters.");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Task task = new Task(UUID.randomUUID(), TaskType.API_IMAGE_IMPORT, TaskStatus.PENDING, who.projectId(),
                inputText, null, "", now, now, null, requestId, who.userId(),
                image.id().toString(), null, 0);
        boolean started = imageRepository.inTransaction(h -> {
            Optional<Image> current = imageRepository.findForUpdate(h, image.id());
            if (current.isEmpty() || !current.get().status().equals(image.status())
                    || !Objects.equals(current.get().properties().get(ImageImport.LOCK), lock)) {
                return false;
            }
            Image c = current.get();
            Map<String, String> props = new HashMap<>(c.properties());
            props.put(ImageImport.LOCK, task.id().toString());
            props.put(ImageImport.IMPORTING_TO, stores().multistore() ? String.join(",", targets) : "");
            props.put(ImageImport.FAILED, "");
            Image importing = new Image(c.id(), c.name(), copy ? c.status() : ImageStatus.IMPORTING, c.visibility(), c.owner(),
                    c.diskFormat(), c.containerFormat(), c.size(), c.virtualSize(), c.checksum(), c.osHashAlgo(),
                    c.osHashValue(), c.location(), c.minRam(), c.minDisk(), c.isProtected(), props, c.createdAt(),
                    now, c.osHidden(), c.tags());
            if (!imageRepository.update(h, importing, c.status())) {
                return false;
            }
            tasks.insert(h, task);
            return true;
        });
        if (!started) {
            throw ImageRequestException.conflict("New operation on image '" + image.id()
                    + "' is not permitted as prior operation is still in progress");
        }
        onCreated.run();
        return task;
    }

    private Stores stores() {
        return images.stores();
    }

    /**
     * Glance's {@code get_stores_from_request}: {@code all_stores} (every enabled store), else the
     * body's {@code stores}, else the header, else the default store. An unknown store is a 409
     * with glance_store's text, as Glance answers. Without multistore: the one store.
     */
    private List<String> targetStores(JsonNode body, String storeHeader) {
        Stores stores = stores();
        if (!stores.multistore()) {
            return new ArrayList<>(List.of(stores.defaultId()));
        }
        List<String> ids = new ArrayList<>();
        if (body.path("all_stores").asBoolean(false)) {
            if (body.has("stores") || storeHeader != null) {
                throw ImageRequestException.badRequest("All_stores parameter can't be used with x-image-meta-store "
                        + "header or stores parameter");
            }
            ids.addAll(stores.ids());
        } else if (body.has("stores")) {
            if (storeHeader != null) {
                throw ImageRequestException.badRequest("Stores parameter and x-image-meta-store header can't be both "
                        + "specified");
            }
            JsonNode list = body.get("stores");
            if (!list.isArray() || list.isEmpty() || list.size() > MAX_STORES) {
                throw ImageRequestException.badRequest("'stores' must be a list of 1 to " + MAX_STORES + " store ids");
            }
            for (JsonNode s : list) {
                String text = s.isString() ? s.asString() : s.toString();
                if (!s.isString() || stores.find(text).isEmpty()) {
                    throw ImageRequestException.conflict(ImageService.unknownStore(text));
                }
                if (!ids.contains(text)) {
                    ids.add(text);
                }
            }
        } else {
            String id = storeHeader == null ? stores.defaultId() : storeHeader;
            if (stores.find(id).isEmpty()) {
                throw ImageRequestException.conflict(ImageService.unknownStore(id));
            }
            ids.add(id);
        }
        return ids;
    }

    /** Glance's {@code _validate_import_body}; returns the method name. */
    private String checkBody(JsonNode body) {
        if (body == null || !body.isObject() || !body.has("method")) {
            throw ImageRequestException.badRequest("Import request requires a 'method' field.");
        }
        JsonNode method = body.get("method");
        if (!method.isObject() || !method.has("name")) {
            throw ImageRequestException.badRequest("Import request requires a 'name' field.");
        }
        JsonNode name = method.get("name");
        String text = name.isString() ? name.asString() : name.toString();
        if (!name.isString() || !methods.contains(text)) {
            throw ImageRequestException.badRequest("Unknown import method name '"
                    + (text.length() > 255 ? text.substring(0, 255) + "..." : text) + "'.");
        }
        for (String flag : new String[] {"all_stores_must_succeed", "all_stores"}) {
            if (body.has(flag) && !body.get(flag).isBoolean()) {
                throw ImageRequestException.badRequest("'" + flag + "' must be boolean value only");
            }
        }
        return text;
    }

    /** Glance's checks of the image, in its order (409s). */
    private static void checkStatus(Image image, String method) {
        String status = image.status();
        boolean copy = method.equals(ImageImport.COPY_IMAGE);
        if (status.equals(ImageStatus.ACTIVE) && !copy) {
            throw ImageRequestException.conflict("Image with status active cannot be target for import");
        }
        if (!status.equals(ImageStatus.ACTIVE) && copy) {
            throw ImageRequestException.conflict("Only images with status active can be targeted for copying");
        }
        if (method.equals(ImageImport.WEB_DOWNLOAD) && !status.equals(ImageStatus.QUEUED)) {
            throw ImageRequestException.conflict("Image needs to be in 'queued' state to use '" + method + "' method");
        }
        if (method.equals(ImageImport.GLANCE_DIRECT) && !status.equals(ImageStatus.UPLOADING)) {
            throw ImageRequestException.conflict("Image needs to be staged before 'glance-direct' method can be used");
        }
        if (image.containerFormat() == null) {
            throw ImageRequestException.conflict("'container_format' needs to be set before import");
        }
        if (image.diskFormat() == null) {
            throw ImageRequestException.conflict("'disk_format' needs to be set before import");
        }
    }

    private boolean liveTask(String taskId) {
        try {
            return tasks.find(UUID.fromString(taskId)).map(t -> !t.status().isTerminal()).orElse(false);
        } catch (IllegalArgumentException e) {
            return false; // not a task id: no lock
        }
    }

    /** Glance's {@code validate_import_uri} with Ferry's URL guard (no I/O; addresses are checked at connect). */
    private void checkUri(JsonNode uri) {
        String text = uri == null || uri.isNull() ? "None" : uri.isString() ? uri.asString() : uri.toString();
        String shown = text.length() > 300 ? text.substring(0, 300) + "..." : text;
        if (uri == null || !uri.isString()) {
            throw ImageRequestException.badRequest("URI for web-download does not pass filtering: " + shown);
        }
        try {
            guard.checkSyntax(text);
        } catch (UrlRejectedException e) {
            throw ImageRequestException.badRequest("URI for web-download does not pass filtering: " + shown
                    + " (" + e.getMessage() + ")");
        }
    }

    /** The unexpired tasks of an image the caller may see: all for admins, else its project's. */
    public List<Task> tasksOf(Identity who, String id) {
        Image image = images.get(who, id);
        return tasks.listForImage(image.id().toString(), images.isAdmin(who) ? null : who.projectId(), clock.instant(),
                MAX_IMAGE_TASKS);
    }
}
