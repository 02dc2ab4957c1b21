package dev.ferry.server.tasks;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.convert.TargetFormat;
import dev.ferry.server.images.Checksums;
import dev.ferry.server.images.Image;
import dev.ferry.server.images.ImageRepository;
import dev.ferry.server.images.ImageService;
import dev.ferry.server.images.ImageStatus;
import dev.ferry.server.sources.OpenedStream;
import dev.ferry.server.stores.BlobStore;
import dev.ferry.server.stores.NoSuchBlobException;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
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
 * source is the staged data (glance-direct) or the URL (web-download) and whose target is the
 * existing image, locked to the task by its {@code os_glance_import_task} property. Success makes
 * the image {@code active} with its data in the task's commit; failure puts it back to
 * {@code queued} and drops the lock, as Glance's flow reverts.
 */
final class ImageImport {

    private static final Logger LOG = LoggerFactory.getLogger(ImageImport.class);

    static final String GLANCE_DIRECT = "glance-direct";
    static final String WEB_DOWNLOAD = "web-download";
    /** The import lock: the id of the task importing into the image. */
    static final String LOCK = "os_glance_import_task";
    /** Stores still being imported to; Glance writes "" when multistore is off, as here. */
    static final String IMPORTING_TO = "os_glance_importing_to_stores";
    /** Stores that failed; "" for the same reason. */
    static final String FAILED = "os_glance_failed_import";

    private static final Pattern UUID_TEXT = Pattern.compile(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

    private final BlobStore store;
    private final ImageRepository images;
    private final Clock clock;
    private final JsonMapper json;
    private final ImportPolicy policy;
    private final ImportSources sources;

    ImageImport(BlobStore store, ImageRepository images, Clock clock, JsonMapper json, ImportPolicy policy,
                ImportSources sources) {
        this.store = Objects.requireNonNull(store, "store");
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
        if (!UUID_TEXT.matcher(imageId).matches()) {
            throw new JobFailedException("Input to api_image_import task has no valid 'image_id'.");
        }
        UUID id = UUID.fromString(imageId);
        JsonNode method = input.path("import_req").path("method");
        String name = method.path("name").isString() ? method.get("name").asString() : "";
        Image image = images.find(id).orElseThrow(() -> new JobFailedException("Image " + imageId
                + " has been deleted, aborting import."));
        if (!image.status().equals(ImageStatus.IMPORTING) || !task.id().toString().equals(image.properties().get(LOCK))) {
            throw new JobFailedException("Image " + imageId + " is not being imported by task " + task.id()
                    + " (status " + image.status() + ", import lock " + image.properties().get(LOCK) + "); aborting.");
        }
        ExistingImage target = new ExistingImage(image, name.equals(GLANCE_DIRECT));
        Optional<DiskFormat> claimed = claimed(image.diskFormat());
        return switch (name) {
            case GLANCE_DIRECT -> new ImportJob.Plan("the data staged for image " + imageId, () -> staged(id),
                    claimed, null, target);
            case WEB_DOWNLOAD -> {
                String uri = method.path("uri").isString() ? method.get("uri").asString() : "";
                String lower = uri.toLowerCase(Locale.ROOT);
                if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
                    throw new JobFailedException("URI for web-download does not pass filtering: " + uri);
                }
                ImportSources.Location location = sources.locate(uri);
                yield new ImportJob.Plan(uri, sources.source(location, task.owner()), claimed, null, target);
            }
            default -> throw new JobFailedException("Unknown import method name '" + name + "'.");
        };
    }

    /** The task failed (recorded): free its image if it still holds it. */
    void failed(Task task) {
        String imageId = task.imageId();
        if (imageId == null || !UUID_TEXT.matcher(imageId).matches()) {
            return;
        }
        try {
            images.find(UUID.fromString(imageId)).ifPresent(i -> new ExistingImage(i, true).revert(task.id().toString()));
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
                    new ExistingImage(i, true).revert(taskId.toString()));
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
                    // a conversion (import.output_format) changes what the image is, as Glance's image_conversion
                    String diskFormat = conversion.map(TargetFormat::format).orElse(current.diskFormat());
                    Image active = new Image(current.id(), current.name(), ImageStatus.ACTIVE, current.visibility(),
                            current.owner(), diskFormat, current.containerFormat(), sums.size(),
                            virtualSize < 0 ? null : virtualSize, sums.md5(), "sha512", sums.sha512(), stored.blobKey(),
                            current.minRam(), current.minDisk(), current.isProtected(), props, current.createdAt(),
                            clock.instant(), current.osHidden(), current.tags());
                    if (!images.update(h, active, ImageStatus.IMPORTING)) {
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
        void revert(String lock) {
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
                    props.put(IMPORTING_TO, "");
                    props.put(FAILED, "");
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

    /** The image was deleted or taken over while the task ran: nothing is committed. */
    private static final class ImageGoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ImageGoneException(String message) {
            super(message, null, false, false);
        }
    }
}
