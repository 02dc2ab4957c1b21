package dev.ferry.server.tasks;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.convert.Converter;
import dev.ferry.format.convert.DiskWriter;
import dev.ferry.format.convert.FormatException;
import dev.ferry.format.convert.Sink;
import dev.ferry.format.convert.TargetFormat;
import dev.ferry.format.convert.VirtualDisk;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.FileReadSource;
import dev.ferry.format.vhd.VhdWriter;
import dev.ferry.server.images.Image;
import dev.ferry.server.images.ImageLocation;
import dev.ferry.server.images.ImageRepository;
import dev.ferry.server.stores.BlobStore;
import dev.ferry.server.stores.Stores;
import dev.ferry.server.stores.FileStore;
import dev.ferry.server.stores.SwiftExportTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Rackspace's {@code export} task: writes an image the caller owns as {@code <image_uuid>.vhd} into
 * a container of the caller's own Swift account (docs/export.md).
 *
 * <p>Checks, in order, each failing the task with Rackspace's message: the image exists and the
 * caller can see it, the caller owns it, it is {@code active}, it carries no licensing restriction
 * ({@code com.rackspace__1__options} other than {@code 0}), the container exists, the object name
 * is free. Then the image's data is inspected (as an import would: dangerous content is refused);
 * a VHD (fixed or dynamic) is written as it is, any other format is converted to a dynamic VHD in
 * the staging area first. The object is a plain object up to {@code swift.segment_bytes}, else a
 * Static Large Object; it is created only if its name is still free.
 *
 * <p>Nothing stays behind on failure: the staging files are deleted, and the object and segments
 * this attempt wrote are removed. A retried task first removes what its earlier attempts wrote
 * (recognised by the {@link SwiftExportTarget#TAG_HEADER} tag {@code <task id>-<attempt>}).
 */
public final class ExportJob implements Job {

    /** The image property that marks licensing or billing restrictions (Rackspace's). */
    public static final String LICENSING_PROPERTY = "com.rackspace__1__options";
    /** Disk formats whose data can be converted to VHD. */
    static final Set<DiskFormat> CONVERTIBLE = Set.of(DiskFormat.RAW, DiskFormat.QCOW2, DiskFormat.VHD,
            DiskFormat.VHDX, DiskFormat.VMDK, DiskFormat.VDI, DiskFormat.ISO);

    private static final Logger LOG = LoggerFactory.getLogger(ExportJob.class);

    private final Stores stores;
    private final BlobStore store;
    private final ImageRepository images;
    private final SwiftExportTarget swift;
    private final StagingArea staging;
    private final JsonMapper json;
    private final TaskRepository tasks;
    private final Inspector inspector = Inspector.standard();

    /**
     * @param tasks finds a task by id (for {@link #abandon}, which is given only the id) and the
     *              other exports of an image (two racing for one name)
     */
    public ExportJob(BlobStore store, ImageRepository images, SwiftExportTarget swift, StagingArea staging,
                     JsonMapper json, TaskRepository tasks) {
        this(Stores.single("file", store), images, swift, staging, json, tasks);
    }

    /** @param stores exports read the image's data in the default store */
    public ExportJob(Stores stores, ImageRepository images, SwiftExportTarget swift, StagingArea staging,
                     JsonMapper json, TaskRepository tasks) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.store = stores.defaultStore();
        this.images = Objects.requireNonNull(images, "images");
        this.swift = Objects.requireNonNull(swift, "swift");
        this.staging = Objects.requireNonNull(staging, "staging");
        this.json = Objects.requireNonNull(json, "json");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
    }

    /** The validated input of an export task. */
    record Input(UUID imageId, String container) {
        String object() {
            return imageId + ".vhd";
        }
    }

    Input input(Task task) throws JobFailedException {
        try {
            JsonNode node = task.input() == null ? null : json.readTree(task.input());
            if (node == null || !node.isObject()) {
                throw new JobFailedException("Input of an export task must be an object.");
            }
            ExportInput.check((ObjectNode) node); // checked at create time too; rows may predate that
            return new Input(UUID.fromString(node.get("image_uuid").asString()),
                    node.get("receiving_swift_container").asString());
        } catch (InvalidTaskRequestException e) {
            throw new JobFailedException(e.getMessage());
        }
    }

    static String tag(UUID taskId, int attempt) {
        return taskId + "-" + attempt;
    }

    @Override
    public void run(Task task, JobContext context) throws JobFailedException, InterruptedException {
        Input in = input(task);
        String owner = task.owner();
        Image image = checkImage(in.imageId(), owner);
        String tag = tag(task.id(), task.attempts());
        String name = in.container() + "/" + in.object();
        boolean written = false;
        boolean committed = false;
        Path source = null;
        Path converted = null;
        try {
            swift.checkProject(owner);
        } catch (IllegalArgumentException e) {
            // the project id came from authentication; one Swift cannot address fails this task only
            throw new JobFailedException("Export of image " + in.imageId() + " to " + name + " failed: " + e.getMessage(), e);
        }
        try {
            removeEarlierAttempts(task, in);
            if (anEarlierExportIsUnfinished(task, in)) {
                throw objectExists(name);
            }
            if (!swift.containerExists(owner, in.container())) {
                throw new JobFailedException("Container not found. Container: " + in.container());
            }
            if (swift.object(owner, in.container(), in.object()).exists()) {
                throw objectExists(name);
            }
            DiskFormat format = DiskFormat.fromName(image.diskFormat()).filter(CONVERTIBLE::contains)
                    .orElseThrow(() -> new JobFailedException("Image " + in.imageId() + " cannot be exported: its "
                            + "disk_format '" + image.diskFormat() + "' cannot be converted to VHD."));
            Path local;
            if (store instanceof FileStore files) {
                local = files.path(keyInDefaultStore(image)); // read in place
            } else {
                source = staging.newFile(task, "export-source");
                copyBlob(image, source, context);
                local = source;
            }
            Inspection inspection;
            try (FileReadSource rs = FileReadSource.open(local)) {
                inspection = inspector.inspect(rs, Optional.of(format), Limits.NONE);
            }
            if (!inspection.accepted()) {
                throw new JobFailedException("Image " + in.imageId() + " cannot be exported: its data was refused by "
                        + "inspection: " + inspection.rejection());
            }
            Path upload = local;
            if (inspection.format() != DiskFormat.VHD) {
                checkVhdSize(in.imageId(), inspection.virtualSize());
                converted = staging.newFile(task, "export-vhd");
                convert(in.imageId(), local, inspection, converted, context);
                upload = converted;
            }
            checkAlive(context);
            long size = Files.size(upload);
            context.progress(0, size);
            try (InputStream data = Files.newInputStream(upload)) {
                written = true; // from here on the object may exist: remove it unless committed
                swift.write(owner, in.container(), in.object(), tag, data, size, sent -> {
                    if (context.leaseLost() || Thread.currentThread().isInterrupted()) {
                        throw new InterruptedIOException("task lease lost or worker stopping");
                    }
                    context.progress(sent, size);
                });
            }
            ObjectNode result = JsonNodeFactory.instance.objectNode().put("export_location", name);
            context.succeed(result, h -> { });
            committed = true;
            LOG.info("export {}: image {} ({}) written as {} ({} bytes)", task.id(), in.imageId(), inspection.format(),
                    name, size);
        } catch (SwiftExportTarget.NameTakenException e) {
            written = false; // the name is someone else's: not ours to delete
            throw objectExists(name);
        } catch (FormatException e) {
            throw new JobFailedException("Image " + in.imageId() + " cannot be exported: " + e.finding(), e);
        } catch (InterruptedIOException | StoppedException e) {
            throw new InterruptedException("interrupted while exporting");
        } catch (IOException e) {
            throw new JobFailedException("Export of image " + in.imageId() + " to " + name + " failed: " + e.getMessage(), e);
        } finally {
            release(source);
            release(converted);
            if (written && !committed) {
                removeQuietly(owner, in, List.of(tag));
            }
        }
    }

    /**
     * Whether an export of the same image into the same container, created before this one, has
     * not finished. Swift's {@code If-None-Match: *} settles a PUT against an object that exists,
     * not two uploads that overlap (both can succeed), so Ferry orders its own exports of one
     * name: the earliest unfinished one goes on, later ones fail as if the object existed (it
     * will). An earlier one that has finished has written its object before saying so, and the
     * object check that follows sees it.
     */
    private boolean anEarlierExportIsUnfinished(Task task, Input in) throws JobFailedException {
        for (Task other : tasks.listForImage(in.imageId().toString(), task.owner(), Instant.now(), RACE_SCAN_LIMIT)) {
            if (other.type() != TaskType.EXPORT || other.id().equals(task.id())
                    || (other.status() != TaskStatus.PENDING && other.status() != TaskStatus.PROCESSING)) {
                continue;
            }
            boolean earlier = other.createdAt().isBefore(task.createdAt())
                    || (other.createdAt().equals(task.createdAt()) && other.id().compareTo(task.id()) < 0);
            if (earlier && in.container().equals(inputOrNull(other))) {
                return true;
            }
        }
        return false;
    }

    /** An image has few tasks; a bound keeps a pathological one from costing more than one page. */
    private static final int RACE_SCAN_LIMIT = 1000;

    private String inputOrNull(Task other) {
        try {
            return input(other).container();
        } catch (JobFailedException | RuntimeException e) {
            return null; // an unreadable input is no competitor: that task fails on its own
        }
    }

    private static JobFailedException objectExists(String name) {
        return new JobFailedException("Object already exists in user's container. Container/Object: " + name);
    }

    /** The image, if the task owner may export it; otherwise the failure Rackspace reports. */
    private Image checkImage(UUID id, String owner) throws JobFailedException {
        Optional<Image> found = images.find(id);
        if (found.isEmpty() || !visibleTo(found.get(), owner)) {
            throw new JobFailedException("Requested image for export was not found: " + id);
        }
        Image image = found.get();
        if (!owner.equals(image.owner())) {
            throw new JobFailedException("An image may only be exported by the image owner.");
        }
        if (!image.status().equals("active") || image.location() == null) {
            throw new JobFailedException("Image " + id + " cannot be exported: its status is '" + image.status()
                    + "'; only active images can be exported.");
        }
        String options = image.properties().get(LICENSING_PROPERTY);
        if (options != null && !options.strip().equals("0")) {
            throw new JobFailedException("Image cannot be exported due to licensing or billing restrictions ("
                    + LICENSING_PROPERTY + ": '" + options + "')");
        }
        return image;
    }

    /** The blob key of the image's data in the default store (multistore: it may be elsewhere only). */
    private String keyInDefaultStore(Image image) throws IOException {
        for (ImageLocation l : images.locations(image.id())) {
            if (stores.resolve(l.storeId()).filter(stores.defaultId()::equals).isPresent()) {
                return l.key();
            }
        }
        throw new IOException("the data of image " + image.id() + " is not in the default store "
                + stores.defaultId() + "; copy it there first (copy-image)");
    }

    /** Whether a project can see the image at all (else it is "not found", not "not the owner"). */
    private boolean visibleTo(Image image, String project) {
        return project.equals(image.owner()) || image.visibility().equals("public")
                || image.visibility().equals("community")
                || (image.visibility().equals("shared") && images.member(image.id(), project).isPresent());
    }

    private void copyBlob(Image image, Path to, JobContext context) throws IOException {
        long total = image.size() == null ? -1 : image.size();
        try (InputStream in = store.get(keyInDefaultStore(image));
             OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[1 << 20];
            long done = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                done += n;
                if (total >= 0 && done > total) {
                    throw new IOException("the stored data of the image is larger than its recorded size " + total);
                }
                checkAliveIo(context);
                context.progress(done, total);
            }
            if (total >= 0 && done != total) {
                throw new IOException("the stored data of the image is " + done + " bytes, not " + total);
            }
        }
    }

    /** A virtual size larger than a VHD can hold is the image's, not Ferry's, problem: the task fails. */
    private static void checkVhdSize(UUID image, long virtualSize) throws JobFailedException {
        if (virtualSize > VhdWriter.MAX_SIZE) {
            throw new JobFailedException("Image " + image + " cannot be exported: its virtual size "
                    + virtualSize + " is larger than a VHD can hold (" + VhdWriter.MAX_SIZE + " bytes).");
        }
    }

    /** Converts to a dynamic VHD (the format Rackspace imports and qemu-img writes by default). */
    private static void convert(UUID image, Path in, Inspection inspection, Path out, JobContext context)
            throws IOException, JobFailedException {
        try (FileReadSource src = FileReadSource.open(in);
             VirtualDisk disk = Converter.open(src, inspection)) {
            checkVhdSize(image, disk.size()); // the reader's size, which the writer is given
            try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                         StandardOpenOption.WRITE, StandardOpenOption.READ);
                 // through the page cache, unlike an import's output (Sink.asyncDirect): the VHD is read
                 // back at once for the upload
                 Sink sink = Sink.async(ch, Converter.WRITE_THREADS, Converter.WRITE_BUFFERS);
                 DiskWriter w = Converter.writer(TargetFormat.VHD_DYNAMIC, disk.size(), sink)) {
                Converter.copy(disk, w, sink, (done, total) -> {
                    checkAlive(context);
                    context.progress(done, total);
                });
                sink.drain();
            }
        }
    }

    /** Removes what earlier attempts of this task wrote (a node died between writing and committing). */
    private void removeEarlierAttempts(Task task, Input in) throws IOException {
        if (task.attempts() <= 1) {
            return;
        }
        List<String> tags = new ArrayList<>();
        for (int attempt = 1; attempt < task.attempts(); attempt++) {
            tags.add(tag(task.id(), attempt));
        }
        swift.removeLeftovers(task.owner(), in.container(), in.object(), tags);
        try {
            staging.removeEarlierAttempts(task);
        } catch (IOException e) {
            LOG.warn("could not remove staging files of earlier attempts of task {}: {}", task.id(), e.toString());
        }
    }

    @Override
    public void abandon(UUID taskId, int attempts) {
        try {
            staging.removeAttempts(taskId, attempts);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove staging files of abandoned task {}: {}", taskId, e.toString());
        }
        Optional<Task> task = tasks.find(taskId);
        if (task.isEmpty()) {
            return;
        }
        Input in;
        try {
            in = input(task.get());
        } catch (JobFailedException | RuntimeException e) {
            return; // never got far enough to write anything
        }
        List<String> tags = new ArrayList<>();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            tags.add(tag(taskId, attempt));
        }
        removeQuietly(task.get().owner(), in, tags);
    }

    private void removeQuietly(String owner, Input in, List<String> tags) {
        try {
            swift.removeLeftovers(owner, in.container(), in.object(), tags);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove what export {} left in {}: {}", tags, in.container(), e.toString());
        }
    }

    private void release(Path file) {
        if (file == null) {
            return;
        }
        try {
            staging.release(file);
        } catch (IOException e) {
            LOG.warn("could not remove staging file {}: {}", file, e.toString());
        }
    }

    private static void checkAlive(JobContext context) {
        if (context.leaseLost() || Thread.currentThread().isInterrupted()) {
            throw new StoppedException();
        }
    }

    private static void checkAliveIo(JobContext context) throws InterruptedIOException {
        if (context.leaseLost() || Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("task lease lost or worker stopping");
        }
    }

    /** Thrown from the conversion's progress callback when the lease is lost or the worker stops. */
    private static final class StoppedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoppedException() {
            super("task lease lost or worker stopping", null, false, false);
        }
    }
}
