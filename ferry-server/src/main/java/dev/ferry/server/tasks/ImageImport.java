package dev.ferry.server.tasks;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.convert.TargetFormat;
import dev.ferry.server.images.Checksums;
import dev.ferry.server.images.ImageData;
import dev.ferry.server.images.Image;
import dev.ferry.server.images.ImageRepository;
import dev.ferry.server.images.ImageService;
import dev.ferry.server.images.ImageStatus;
import dev.ferry.server.images.UuidText;
import dev.ferry.server.sources.OpenedStream;
import dev.ferry.server.stores.BlobStore;
import dev.ferry.server.stores.NoSuchBlobException;
import dev.ferry.server.stores.Stores;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The job side of Glance's interoperable import (task type {@code api_image_import}): turns the
 * task's input {@code {"image_id", "import_req", "backend"}} into an {@link ImportJob.Plan} whose
 * source is the staged data (glance-direct), the URL (web-download) or the image's data in one of
 * its stores (copy-image), whose stores are {@code backend}'s, and whose target is the existing
 * image, locked to the task by its {@code os_glance_import_task} property. Success makes
 * the image {@code active} with its data in the task's commit; failure puts it back to
 * {@code queued} and drops the lock, as Glance's flow reverts.
 */
final class ImageImport {

    private static final Logger LOG = LoggerFactory.getLogger(ImageImport.class);

    static final String GLANCE_DIRECT = "glance-direct";
    static final String WEB_DOWNLOAD = "web-download";
    static final String COPY_IMAGE = "copy-image";
    /** The import lock: the id of the task importing into the image. */
    static final String LOCK = "os_glance_import_task";
    /** Stores being imported to (multistore; "" without, as Glance); "" once the task ends. */
    static final String IMPORTING_TO = "os_glance_importing_to_stores";
    /** Stores that failed (multistore; "" without, as Glance). */
    static final String FAILED = "os_glance_failed_import";


    private final Stores stores;
    /** The default store: staged data. */
    private final BlobStore store;
    private final ImageRepository images;
    private final Clock clock;
    private final JsonMapper json;
    private final ImportPolicy policy;
    private final ImportSources sources;

    ImageImport(Stores stores, ImageRepository images, Clock clock, JsonMapper json, ImportPolicy policy,
                ImportSources sources) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.store = stores.defaultStore();
        this.images = Objects.requireNonNull(images, "images");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.json = Objects.requireNonNull(json, "json");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sources = Objects.requireNonNull(sources, "sources");
    }

    /** Reads the task's input and the image; the failure messages are the task's. */
    ImportJob.Plan plan(Task task) throws JobFailedException {
        JsonNode input = task.input() == null ? null : json.readTree(task.input());
        if (input == null || !input.isObject() || input.isEmpty()) {
            throw new JobFailedException("Input to api_image_import task is empty.");
        }
        String imageId = input.path("image_id").isString() ? input.get("image_id").asString() : "";
        if (!UuidText.matches(imageId)) {
            throw new JobFailedException("Input to api_image_import task has no valid 'image_id'.");
        }
        UUID id = UUID.fromString(imageId);
        JsonNode method = input.path("import_req").path("method");
        String name = method.path("name").isString() ? method.get("name").asString() : "";
        Image image = images.find(id).orElseThrow(() -> new JobFailedException("Image " + imageId
                + " has been deleted, aborting import."));
        boolean copy = name.equals(COPY_IMAGE);
        String expected = copy ? ImageStatus.ACTIVE : ImageStatus.IMPORTING;
        if (!image.status().equals(expected) || !task.id().toString().equals(image.properties().get(LOCK))) {
            throw new JobFailedException("Image " + imageId + " is not being imported by task " + task.id()
                    + " (status " + image.status() + ", import lock " + image.properties().get(LOCK) + "); aborting.");
        }
        List<String> targets = targetStores(input.path("backend"));
        boolean allMustSucceed = !input.path("import_req").path("all_stores_must_succeed").isBoolean()
                || input.path("import_req").get("all_stores_must_succeed").asBoolean();
        Optional<DiskFormat> claimed = claimed(image.diskFormat());
        if (copy) {
            // the image's own bytes, kept as they are (Glance runs no plugin for copy-image)
            return new ImportJob.Plan("the data of image " + imageId, () -> storedData(image), claimed, "keep",
                    new CopiedImage(image), targets, allMustSucceed);
        }
        ExistingImage target = new ExistingImage(image, name.equals(GLANCE_DIRECT));
        return switch (name) {
            case GLANCE_DIRECT -> new ImportJob.Plan("the data staged for image " + imageId, () -> staged(id),
                    claimed, null, target, targets, allMustSucceed);
            case WEB_DOWNLOAD -> {
                String uri = method.path("uri").isString() ? method.get("uri").asString() : "";
                String lower = uri.toLowerCase(Locale.ROOT);
                if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
                    throw new JobFailedException("URI for web-download does not pass filtering: " + uri);
                }
                ImportSources.Location location = sources.locate(uri);
                yield new ImportJob.Plan(uri, sources.source(location, task.owner()), claimed, null, target,
                        targets, allMustSucceed);
            }
            default -> throw new JobFailedException("Unknown import method name '" + name + "'.");
        };
    }

    /** The task's {@code backend} list: enabled store ids; {@code [null]} (single store) is the default store. */
    private List<String> targetStores(JsonNode backend) throws JobFailedException {
        List<String> ids = new ArrayList<>();
        if (backend.isArray()) {
            for (JsonNode b : backend) {
                if (b.isString()) {
                    String id = b.asString();
                    if (stores.find(id).isEmpty()) {
                        throw new JobFailedException("Store " + id + " is not enabled on this node; aborting.");
                    }
                    if (!ids.contains(id)) {
                        ids.add(id);
                    }
                }
            }
        }
        return ids;
    }

    /** The image's data from the first of its stores that opens (copy-image's source). */
    private OpenedStream storedData(Image image) throws IOException {
        ImageData.Opened opened = ImageData.openFirst(stores, image.id(), images.locations(image.id()));
        long size = image.size() == null ? -1 : image.size();
        return new OpenedStream(opened.data(), size, URI.create("store:" + opened.storeId()));
    }

    /** The task failed (recorded): free its image if it still holds it. */
    void failed(Task task) {
        String imageId = task.imageId();
        if (!UuidText.matches(imageId)) {
            return;
        }
        try {
            images.find(UUID.fromString(imageId)).ifPresent(i -> {
                if (i.status().equals(ImageStatus.ACTIVE)) {
                    new CopiedImage(i).release(task.id().toString(), failedStores(task));
                } else {
                    new ExistingImage(i, true).revert(task.id().toString(), failedStores(task));
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("could not revert image {} after task {} failed: {}", imageId, task.id(), e.toString());
        }
    }

    /**
     * The image's disk_format is the claim the bytes must match (Glance's format inspection on
     * import); labels Ferry does not interpret (ami, ari, aki, ploop) claim nothing.
     */
    private Optional<DiskFormat> claimed(String diskFormat) throws JobFailedException {
        Optional<DiskFormat> known = DiskFormat.fromName(diskFormat).filter(f -> f != DiskFormat.QED);
        return policy.claimed(known.isPresent() ? diskFormat : null);
    }

    private OpenedStream staged(UUID imageId) throws IOException {
        String key = ImageService.stagingKey(imageId);
        try {
            long size = store.size(key);
            return new OpenedStream(store.get(key), size, URI.create("staging:" + key));
        } catch (NoSuchBlobException e) {
            throw new IOException("the staged data of image " + imageId + " is gone; stage it again", e);
        }
    }

    /** A task that used up its attempts without reverting: free its image (if it still holds one). */
    void abandon(UUID taskId) {
        try {
            images.findImportLockedBy(LOCK, taskId.toString()).ifPresent(i ->
                    new ExistingImage(i, true).revert(taskId.toString(), null));
            images.findCopyLockedBy(LOCK, taskId.toString()).ifPresent(i ->
                    new CopiedImage(i).release(taskId.toString(), null));
        } catch (RuntimeException e) {
            LOG.warn("could not revert the image of abandoned task {}: {}", taskId, e.toString());
        }
    }

    /** The image an interoperable import fills. */
    private final class ExistingImage implements ImportJob.Target {
        private final Image image;
        private final boolean staged;

        ExistingImage(Image image, boolean staged) {
            this.image = image;
            this.staged = staged;
        }

        @Override
        public void commit(Task task, JobContext context, ImportJob.Stored stored) throws JobFailedException {
            String lock = task.id().toString();
            Optional<TargetFormat> conversion = stored.conversion();
            Checksums sums = stored.sums();
            long virtualSize = stored.virtualSize();
            ObjectNode result = JsonNodeFactory.instance.objectNode().put("image_id", image.id().toString());
            try {
                context.succeed(result, h -> {
                    Image current = lockedCurrent(h, lock);
                    Map<String, String> props = new HashMap<>(current.properties());
                    props.remove(LOCK);
                    props.put(IMPORTING_TO, "");
                    props.put(FAILED, String.join(",", stored.failedStoreIds()));
                    // a conversion (import.output_format) changes what the image is, as Glance's image_conversion
                    String diskFormat = conversion.map(TargetFormat::format).orElse(current.diskFormat());
                    Image active = new Image(current.id(), current.name(), ImageStatus.ACTIVE, current.visibility(),
                            current.owner(), diskFormat, current.containerFormat(), sums.size(),
                            virtualSize < 0 ? null : virtualSize, sums.md5(), "sha512", sums.sha512(), stored.blobKey(),
                            current.minRam(), current.minDisk(), current.isProtected(), props, current.createdAt(),
                            clock.instant(), current.osHidden(), current.tags());
                    if (!images.updateWithLocations(h, active, ImageStatus.IMPORTING, stored.storeIds())) {
                        throw new ImageGoneException("Image " + image.id() + " changed during the import; aborting.");
                    }
                });
            } catch (ImageGoneException e) {
                throw new JobFailedException(e.getMessage());
            }
            if (staged) {
                deleteStaged();
            }
        }

        @Override
        public void storeFinished(Task task, String storeId, boolean ok) {
            progress(image.id(), task.id().toString(), ImageStatus.IMPORTING, storeId, ok);
        }

        private Image lockedCurrent(Handle h, String lock) {
            Image current = images.findForUpdate(h, image.id()).orElseThrow(() -> new ImageGoneException(
                    "Image " + image.id() + " has been deleted, aborting import."));
            if (!current.status().equals(ImageStatus.IMPORTING) || !lock.equals(current.properties().get(LOCK))) {
                throw new ImageGoneException("Image " + image.id() + " is no longer being imported by task " + lock
                        + " (status " + current.status() + "); aborting.");
            }
            return current;
        }

        /** importing → queued without the lock, as Glance's flow reverts; the staged data goes too. */
        void revert(String lock, String failed) {
            boolean reverted = false;
            try {
                reverted = images.inTransaction(h -> {
                    Image current;
                    try {
                        current = lockedCurrent(h, lock);
                    } catch (ImageGoneException e) {
                        return false; // deleted, or another import holds it now: nothing of ours to undo
                    }
                    Map<String, String> props = new HashMap<>(current.properties());
                    props.remove(LOCK);
                    // nothing was kept: every target store failed (null: what the properties say went wrong)
                    props.put(FAILED, failed != null ? failed
                            : joined(current.properties().get(FAILED), current.properties().get(IMPORTING_TO)));
                    props.put(IMPORTING_TO, "");
                    Image queued = new Image(current.id(), current.name(), ImageStatus.QUEUED, current.visibility(),
                            current.owner(), current.diskFormat(), current.containerFormat(), null, null, null, null,
                            null, null, current.minRam(), current.minDisk(), current.isProtected(), props,
                            current.createdAt(), clock.instant(), current.osHidden(), current.tags());
                    return images.update(h, queued, ImageStatus.IMPORTING);
                });
            } catch (RuntimeException e) {
                LOG.warn("could not put image {} back to queued after its import failed: {}", image.id(), e.toString());
            }
            if (reverted && staged) {
                deleteStaged();
            }
        }

        private void deleteStaged() {
            try {
                store.delete(ImageService.stagingKey(image.id()));
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not remove the staged data of image {}: {}", image.id(), e.toString());
            }
        }
    }

    /** {@code a,b} + {@code c}: the ids of both comma lists, each once, in order. */
    static String joined(String first, String second) {
        java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
        for (String list : new String[] {first, second}) {
            if (list != null) {
                for (String id : list.split(",")) {
                    if (!id.isBlank()) {
                        ids.add(id.strip());
                    }
                }
            }
        }
        return String.join(",", ids);
    }

    /**
     * A target store is done: it leaves {@code os_glance_importing_to_stores} and, if it failed,
     * joins {@code os_glance_failed_import}, while the task still holds the image's lock (multistore only).
     */
    private void progress(UUID imageId, String lock, String status, String storeId, boolean ok) {
        if (!stores.multistore()) {
            return;
        }
        try {
            images.inTransaction(h -> {
                Optional<Image> found = images.findForUpdate(h, imageId);
                if (found.isEmpty() || !found.get().status().equals(status)
                        || !lock.equals(found.get().properties().get(LOCK))) {
                    return false;
                }
                Image c = found.get();
                Map<String, String> props = new HashMap<>(c.properties());
                List<String> importing = new ArrayList<>(List.of(joined(props.get(IMPORTING_TO), "").split(",")));
                importing.remove(storeId);
                importing.remove("");
                props.put(IMPORTING_TO, String.join(",", importing));
                if (!ok) {
                    props.put(FAILED, joined(props.get(FAILED), storeId));
                }
                return images.update(h, new Image(c.id(), c.name(), c.status(), c.visibility(), c.owner(),
                        c.diskFormat(), c.containerFormat(), c.size(), c.virtualSize(), c.checksum(), c.osHashAlgo(),
                        c.osHashValue(), c.location(), c.minRam(), c.minDisk(), c.isProtected(), props, c.createdAt(),
                        clock.instant(), c.osHidden(), c.tags()), status);
            });
        } catch (RuntimeException e) {
            LOG.warn("could not record the progress of image {} in store {}: {}", imageId, storeId, e.toString());
        }
    }

    /** The stores a failed copy was going to ({@code backend} of its input). */
    private String failedStores(Task task) {
        try {
            JsonNode backend = task.input() == null ? null : json.readTree(task.input()).path("backend");
            List<String> ids = new ArrayList<>();
            if (backend != null && backend.isArray()) {
                backend.forEach(b -> {
                    if (b.isString()) {
                        ids.add(b.asString());
                    }
                });
            }
            return String.join(",", ids);
        } catch (RuntimeException e) {
            return "";
        }
    }

    /**
     * The active image copy-image adds stores to: it stays {@code active} throughout; success
     * records the new locations, failure only releases the lock and names the failed stores,
     * as Glance's copy reverts.
     */
    private final class CopiedImage implements ImportJob.Target {
        private final Image image;

        CopiedImage(Image image) {
            this.image = image;
        }

        @Override
        public void commit(Task task, JobContext context, ImportJob.Stored stored) throws JobFailedException {
            // each digest the image records must match (images of older servers may lack os_hash_value)
            boolean md5Differs = image.checksum() != null && !stored.sums().md5().equals(image.checksum());
            boolean sha512Differs = image.osHashValue() != null && !stored.sums().sha512().equals(image.osHashValue());
            if (md5Differs || sha512Differs || (image.checksum() == null && image.osHashValue() == null)) {
                throw new JobFailedException("The data of image " + image.id() + " read for the copy does not match "
                        + "its checksum; nothing was copied.");
            }
            String lock = task.id().toString();
            ObjectNode result = JsonNodeFactory.instance.objectNode().put("image_id", image.id().toString());
            try {
                context.succeed(result, h -> {
                    Image current = lockedActive(h, lock);
                    for (String storeId : stored.storeIds()) {
                        images.addLocation(h, current.id(), storeId, stored.blobKey(), clock.instant());
                    }
                    if (!images.update(h, released(current, String.join(",", stored.failedStoreIds())),
                            ImageStatus.ACTIVE)) {
                        throw new ImageGoneException("Image " + image.id() + " changed during the copy; aborting.");
                    }
                });
            } catch (ImageGoneException e) {
                throw new JobFailedException(e.getMessage());
            }
        }

        @Override
        public void storeFinished(Task task, String storeId, boolean ok) {
            progress(image.id(), task.id().toString(), ImageStatus.ACTIVE, storeId, ok);
        }

        private Image lockedActive(Handle h, String lock) {
            Image current = images.findForUpdate(h, image.id()).orElseThrow(() -> new ImageGoneException(
                    "Image " + image.id() + " has been deleted, aborting the copy."));
            if (!current.status().equals(ImageStatus.ACTIVE) || !lock.equals(current.properties().get(LOCK))) {
                throw new ImageGoneException("Image " + image.id() + " is no longer being copied by task " + lock
                        + " (status " + current.status() + "); aborting.");
            }
            return current;
        }

        private Image released(Image current, String failed) {
            Map<String, String> props = new HashMap<>(current.properties());
            props.remove(LOCK);
            props.put(IMPORTING_TO, "");
            props.put(FAILED, failed);
            return new Image(current.id(), current.name(), current.status(), current.visibility(), current.owner(),
                    current.diskFormat(), current.containerFormat(), current.size(), current.virtualSize(),
                    current.checksum(), current.osHashAlgo(), current.osHashValue(), current.location(),
                    current.minRam(), current.minDisk(), current.isProtected(), props, current.createdAt(),
                    clock.instant(), current.osHidden(), current.tags());
        }

        /**
         * The copy failed: the image stays active in its stores, without the lock; {@code failed}
         * recorded (null: what the properties say went wrong).
         */
        void release(String lock, String failed) {
            try {
                images.inTransaction(h -> {
                    Image current;
                    try {
                        current = lockedActive(h, lock);
                    } catch (ImageGoneException e) {
                        return false;
                    }
                    return images.update(h, released(current, failed != null ? failed
                            : joined(current.properties().get(FAILED), current.properties().get(IMPORTING_TO))),
                            ImageStatus.ACTIVE);
                });
            } catch (RuntimeException e) {
                LOG.warn("could not release image {} after its copy failed: {}", image.id(), e.toString());
            }
        }
    }

    /** The image was deleted or taken over while the task ran: nothing is committed. */
    private static final class ImageGoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ImageGoneException(String message) {
            super(message, null, false, false);
        }
    }
}
