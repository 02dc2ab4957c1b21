package dev.ferry.server.tasks;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.convert.Converter;
import dev.ferry.format.convert.DiskWriter;
import dev.ferry.format.convert.FormatException;
import dev.ferry.format.convert.Sink;
import dev.ferry.format.convert.TargetFormat;
import dev.ferry.format.convert.VirtualDisk;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.Failures;
import dev.ferry.format.io.FileReadSource;
import dev.ferry.format.io.ReadSource;
import dev.ferry.server.images.Checksums;
import dev.ferry.server.images.ChecksummingInputStream;
import dev.ferry.server.images.Image;
import dev.ferry.server.images.ImageRepository;
import dev.ferry.server.sources.BlockCache;
import dev.ferry.server.sources.OpenedStream;
import dev.ferry.server.sources.SourceException;
import dev.ferry.server.stores.BlobStore;
import dev.ferry.server.stores.Stores;
import dev.ferry.server.stores.StoredBlob;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code import} task: source → inspect → convert if the policy asks for another format →
 * store, with MD5 and SHA-512 computed on their own threads; then an {@code active} image is made
 * visible in the same transaction that marks the task successful. Nothing is visible before that;
 * a failed or superseded attempt removes its blob and its staging files.
 *
 * <p>When the claim makes a conversion certain, the claimed format is one read out of order (not
 * qcow2 or raw) and the source does ranged reads (http(s) with ranges, Swift, S3), it is inspected
 * and converted over those reads with no local copy ({@link #importRanged}). Otherwise the source
 * is read once, in order, into a staging file ({@link Spool}); the decision to accept is then
 * taken by inspecting that complete local file. Without conversion the staged
 * file, digested as it arrived, becomes the blob ({@link BlobStore#putFile}: a rename for the file
 * store). When a conversion is certain from the claim and the source is readable in order (qcow2,
 * raw; {@link #convertsWhileDownloading}), the converter reads the staging file while it is still
 * downloading and writes its output (digested as written when raw); the output is kept only if
 * the inspection of the complete file then accepts the same conversion. See docs/import.md.
 *
 * <p>The same job runs the interoperable import's {@code api_image_import} tasks
 * ({@link ImageImport}): only the {@link Plan} differs, its source being the staged data or the
 * web-download URL and its {@link Target} the existing image (docs/images-api.md).
 */
public final class ImportJob implements Job {

    private static final Logger LOG = LoggerFactory.getLogger(ImportJob.class);

    private final ImportSources sources;
    private final Stores stores;
    private final ImageRepository images;
    private final Clock clock;
    private final JsonMapper json;
    private final ImportPolicy policy;
    private final StagingArea staging;
    private final Inspector inspector;
    private final ImageImport imageImport;

    public ImportJob(ImportSources sources, BlobStore store, ImageRepository images, Clock clock, JsonMapper json,
                     ImportPolicy policy, StagingArea staging) {
        this(sources, Stores.single("file", store), images, clock, json, policy, staging);
    }

    /** @param stores where imports put their data: the plan's stores, else the default one */
    public ImportJob(ImportSources sources, Stores stores, ImageRepository images, Clock clock, JsonMapper json,
                     ImportPolicy policy, StagingArea staging) {
        this.json = Objects.requireNonNull(json, "json");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.stores = Objects.requireNonNull(stores, "stores");
        this.images = Objects.requireNonNull(images, "images");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.staging = Objects.requireNonNull(staging, "staging");
        this.inspector = Inspector.standard();
        this.imageImport = new ImageImport(stores, images, clock, json, policy, sources);
    }

    @Override
    public void run(Task task, JobContext context) throws JobFailedException, InterruptedException {
        Plan plan = task.type() == TaskType.API_IMAGE_IMPORT ? imageImport.plan(task) : plan(task);
        importData(task, context, plan);
    }

    /** An interoperable import that failed puts its image back to queued (Glance's revert). */
    @Override
    public void failed(Task task, String message) {
        if (task.type() == TaskType.API_IMAGE_IMPORT) {
            imageImport.failed(task);
        }
    }

    /**
     * What one task imports: where the bytes come from ({@code from} names it in messages), the
     * format they are claimed to be in, the disk_format asked for (null: {@code import.output_format}
     * decides), and where the result goes.
     */
    record Plan(String from, Source source, Optional<DiskFormat> claimed, String wantedFormat, Target target,
                List<String> storeIds, boolean allStoresMustSucceed) {
        Plan {
            storeIds = List.copyOf(storeIds);
        }

        /** Into the default store. */
        Plan(String from, Source source, Optional<DiskFormat> claimed, String wantedFormat, Target target) {
            this(from, source, claimed, wantedFormat, target, List.of(), true);
        }
    }

    /** Opens the bytes to import for one sequential read, or for positioned reads when it can. */
    interface Source {
        OpenedStream open() throws IOException;

        /** Positioned (ranged) reads, when the source offers them; empty: it is read in order only. */
        default Optional<ReadSource> openRanged() throws IOException {
            return Optional.empty();
        }
    }

    /** Where an import's result goes: a new image (task {@code import}) or an existing one (interoperable import). */
    interface Target {
        /** Makes the stored blob the image's data and marks the task successful, in one transaction. */
        void commit(Task task, JobContext context, Stored stored) throws JobFailedException;

        /**
         * One target store took the blob ({@code ok}) or failed, before the commit (multistore:
         * Glance's {@code os_glance_importing_to_stores}/{@code os_glance_failed_import} as it goes).
         */
        default void storeFinished(Task task, String storeId, boolean ok) {
        }
    }

    /**
     * What the pipeline stored for the target: the blob key (the same in every store), the stores
     * that hold it and those that failed (only when not all stores had to succeed).
     */
    record Stored(String blobKey, Checksums sums, long virtualSize, Inspection inspection,
                  Optional<TargetFormat> conversion, List<String> storeIds, List<String> failedStoreIds) {
        Stored {
            storeIds = List.copyOf(storeIds);
            failedStoreIds = List.copyOf(failedStoreIds);
        }
    }

    /** The legacy {@code import} task: {@code import_from}, {@code import_from_format}, {@code image_properties}. */
    private Plan plan(Task task) throws JobFailedException {
        ObjectNode input = task.input() == null ? null : (ObjectNode) json.readTree(task.input());
        if (input == null || !input.path("import_from").isString()) {
            throw new JobFailedException("Input does not contain 'import_from' field");
        }
        String from = input.get("import_from").asString();
        for (String field : new String[] {"import_from_format", "image_properties"}) {
            // Rackspace's documented request (seed 000) has no import_from_format: optional there
            boolean optional = field.equals("import_from_format") && policy.profile() == ImportPolicy.Profile.RACKSPACE;
            if (!input.has(field) && !optional) {
                throw new JobFailedException("Input does not contain '" + field + "' field");
            }
        }
        JsonNode format = input.has("import_from_format") ? input.get("import_from_format")
                : JsonNodeFactory.instance.nullNode();
        if (!format.isString() && !format.isNull()) {
            throw new JobFailedException("Input field 'import_from_format' must be a string.");
        }
        ImageProperties props = ImageProperties.parse(input.get("image_properties"));
        policy.checkProperties(props);
        Optional<DiskFormat> claimed = policy.claimed(format.isNull() ? null : format.asString());
        ImportSources.Location location = sources.locate(from);
        return new Plan(from, sources.source(location, task.owner()), claimed, props.diskFormat(),
                new NewImage(props));
    }

    /** The image the legacy task creates: visible only once the task succeeds, in the same transaction. */
    private final class NewImage implements Target {
        private final ImageProperties props;

        NewImage(ImageProperties props) {
            this.props = props;
        }

        @Override
        public void commit(Task task, JobContext context, Stored stored) {
            UUID imageId = UUID.randomUUID();
            Instant now = clock.instant();
            Checksums sums = stored.sums();
            long virtualSize = stored.virtualSize();
            Image image = new Image(imageId, props.name(), "active", policy.visibility(), task.owner(),
                    policy.storedDiskFormat(stored.inspection(), props.diskFormat(), stored.conversion()),
                    policy.containerFormat(props.containerFormat()), sums.size(), virtualSize < 0 ? null : virtualSize,
                    sums.md5(), "sha512", sums.sha512(), stored.blobKey(), props.minRam(), props.minDisk(), false,
                    props.extra(), now, now);
            ObjectNode result = JsonNodeFactory.instance.objectNode().put("image_id", imageId.toString());
            context.succeed(result, h -> images.insertWithLocations(h, image, stored.storeIds()));
        }
    }

    /** The pipeline: source → inspect → policy → convert if needed → store → {@link Target#commit}. */
    private void importData(Task task, JobContext context, Plan plan) throws JobFailedException, InterruptedException {
        String from = plan.from();
        Optional<DiskFormat> claimed = plan.claimed();
        List<String> targets = plan.storeIds().isEmpty() ? List.of(stores.defaultId()) : plan.storeIds();
        // The blob is named after the task and attempt, so that a retry can remove what an attempt
        // killed between the end of its upload and its commit left behind.
        for (int earlier = 1; earlier < task.attempts(); earlier++) {
            deleteQuietly(targets, blobKey(task, earlier));
        }
        String key = blobKey(task, task.attempts());
        try {
            staging.removeEarlierAttempts(task);
        } catch (IOException e) {
            LOG.warn("could not remove staging files of earlier attempts of task {}: {}", task.id(), e.toString());
        }
        Path staged = staging.newFile(task, "source");
        Path converted = staging.newFile(task, "output");
        boolean committed = false;
        Download download = null;
        try {
            long t0 = System.nanoTime();
            // When the claim and the requested format already say a conversion will follow, the
            // download's digests would be thrown away: they are not computed.
            boolean conversionExpected = policy.conversionExpected(claimed, plan.wantedFormat());
            // qcow2 and raw convert while they download (faster, measured: docs/import.md); the
            // formats read out of order are read by ranges when the source has them
            if (conversionExpected && !readableInOrder(claimed.orElseThrow())
                    && importRanged(task, context, plan, targets, key, converted)) {
                committed = true;
                return;
            }
            OpenedStream opened = plan.source().open();
            download = new Download(opened, context, !conversionExpected);
            long total = opened.contentLength();
            if (total > policy.limits().maxFileSize()) {
                throw new JobFailedException(policy.fileTooLarge(total));
            }
            download.spool = Spool.create(staged, total, !conversionExpected);
            Speculation spec = null;
            if (convertsWhileDownloading(conversionExpected, total, claimed)) {
                // progress: the converter's (virtual bytes), from its first chunk
                spec = convertWhileDownloading(download, claimed.get(), plan.wantedFormat(), converted, context);
            } else {
                context.progress(0, total);
            }
            Checksums downloaded = download.finish();
            long t1 = System.nanoTime();
            Inspection inspection;
            try (FileReadSource rs = FileReadSource.open(staged)) {
                inspection = inspector.inspect(rs, claimed, policy.limits());
            }
            if (!inspection.accepted()) {
                throw new JobFailedException(policy.rejection(inspection, claimed));
            }
            policy.checkAccepted(inspection);
            Optional<TargetFormat> conversion = policy.conversion(inspection, plan.wantedFormat());
            long virtualSize = inspection.virtualSize();
            long t2 = System.nanoTime();
            Path toStore = staged;
            Checksums sums = downloaded;
            if (conversion.isEmpty() && sums == null) {
                sums = digest(staged, context); // the expected conversion turned out not to be needed
            }
            if (conversion.isPresent()) {
                if (spec != null && spec.target() == conversion.get()) {
                    // The output of the conversion that ran during the download: the same bytes,
                    // now fully inspected, gave the same decision.
                    virtualSize = spec.virtualSize();
                    sums = spec.sums();
                } else {
                    try (FileReadSource src = FileReadSource.open(staged);
                         VirtualDisk disk = Converter.open(src, inspection);
                         InOrderDigest inOrder = InOrderDigest.forTarget(conversion.get())) {
                        virtualSize = convert(disk, conversion.get(), converted, context, inOrder);
                        sums = inOrder == null ? null : inOrder.result();
                    }
                }
                Files.deleteIfExists(staged);
                t2 = System.nanoTime();
                if (sums == null) {
                    sums = digest(converted, context);
                }
                toStore = converted;
            }
            long t3 = System.nanoTime();
            checkAlive(context);
            StoreOutcome outcome = storeAll(task, context, plan, targets, key, toStore, sums.size());
            long t4 = System.nanoTime();
            boolean overlapped = spec != null && conversion.isPresent() && spec.target() == conversion.get();
            LOG.info("import {}: download{} {} ms{} (stored {} bytes), inspect{} {} ms, digest of output {} ms, store {} ms",
                    task.id(), overlapped ? "+convert to " + conversion.get() : "", ms(t1 - t0),
                    overlapped ? " (download alone " + ms(download.endedNanos - t0) + " ms)" : "", sums.size(),
                    conversion.isPresent() && !overlapped ? "+convert to " + conversion.get() : "",
                    ms(t2 - t1), ms(t3 - t2), ms(t4 - t3));
            context.progress(sums.size(), sums.size());
            plan.target().commit(task, context, new Stored(key, sums, virtualSize, inspection, conversion,
                    outcome.stored(), outcome.failed()));
            committed = true;
        } catch (FormatException e) {
            throw new JobFailedException(e.finding().toString(), e);
        } catch (FileTooLargeException e) {
            throw new JobFailedException(policy.fileTooLarge(e.size), e);
        } catch (SourceException e) {
            throw new JobFailedException("Could not download " + from + ": " + e.getMessage(), e);
        } catch (InterruptedIOException | StoppedException e) {
            throw new InterruptedException("interrupted while importing");
        } catch (IOException e) {
            throw new JobFailedException("Import of " + from + " failed: " + e.getMessage(), e);
        } finally {
            if (download != null) {
                download.abort();
            }
            deleteQuietly(staged);
            deleteQuietly(converted);
            if (!committed) {
                deleteQuietly(targets, key);
            }
        }
    }

    /** The stores that took the blob and those that failed. */
    private record StoreOutcome(List<String> stored, List<String> failed) {
    }

    /**
     * Puts the file into every target store (the last one may take the file itself, a rename for
     * the file store). A store that fails is skipped when not all must succeed; if every store
     * fails, or one does when all must, the failure ends the import (the caller removes the
     * blobs of the others).
     */
    private StoreOutcome storeAll(Task task, JobContext context, Plan plan, List<String> targets, String key,
                                  Path file, long size) throws IOException {
        boolean allMustSucceed = plan.allStoresMustSucceed();
        List<String> stored = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        IOException first = null;
        for (int i = 0; i < targets.size(); i++) {
            String id = targets.get(i);
            checkAlive(context);
            try {
                BlobStore store = stores.find(id).orElseThrow(() -> new IOException(
                        "store " + id + " is not enabled on this node")).store();
                StoredBlob blob;
                if (i == targets.size() - 1) {
                    blob = store.putFile(key, file);
                } else {
                    try (InputStream in = Files.newInputStream(file)) {
                        blob = store.put(key, in);
                    }
                }
                if (blob.size() != size) {
                    throw new IOException("the store kept " + blob.size() + " bytes of " + size);
                }
                stored.add(id);
                plan.target().storeFinished(task, id, true);
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                // an interrupted store (ClosedByInterruptException) is the job stopping, not a failed store:
                // a stale attempt must not report on the image its successor now owns
                checkAlive(context);
                plan.target().storeFinished(task, id, false);
                if (allMustSucceed || targets.size() == 1) {
                    throw stores.multistore() ? new IOException("store " + id + ": " + e.getMessage(), e) : e;
                }
                LOG.warn("import into store {} failed: {}", id, e.toString());
                failed.add(id);
                first = first == null ? e : first;
            }
        }
        if (stored.isEmpty()) {
            throw new IOException("every store failed; the first: " + (first == null ? "" : first.getMessage()), first);
        }
        return new StoreOutcome(stored, failed);
    }

    /**
     * The import without a local copy of the source, for a conversion that the claim makes certain
     * of a format read out of order, and a source that does ranged reads: inspect over the ranged source, then convert from it
     * into the output file, which is stored. Acceptance is the inspector's, over the source; the
     * converter re-checks every table entry it follows and writes its own output, so a server
     * answering two reads of a range differently cannot get a dangerous image stored (see
     * docs/import.md). Returns false, having stored nothing, when the source has no ranged reads or
     * the inspection decides no conversion after all: bytes stored as they are must be the bytes
     * inspected, so that case is staged (read once more, in order) like any other.
     */
    private boolean importRanged(Task task, JobContext context, Plan plan, List<String> targets, String key,
                                 Path converted)
            throws IOException, JobFailedException {
        long t0 = System.nanoTime();
        Optional<ReadSource> ranged = plan.source().openRanged();
        if (ranged.isEmpty()) {
            return false;
        }
        try (ReadSource src = ranged.get()) {
            long size = src.size();
            if (size > policy.limits().maxFileSize()) {
                throw new JobFailedException(policy.fileTooLarge(size));
            }
            context.progress(0, size);
            Inspection inspection = inspector.inspect(src, plan.claimed(), policy.limits());
            if (!inspection.accepted()) {
                throw new JobFailedException(policy.rejection(inspection, plan.claimed()));
            }
            policy.checkAccepted(inspection);
            Optional<TargetFormat> conversion = policy.conversion(inspection, plan.wantedFormat());
            if (conversion.isEmpty()) {
                LOG.info("import {}: stored as it is after all; staging the source instead of ranged reads", task.id());
                return false;
            }
            long t1 = System.nanoTime();
            long virtualSize;
            Checksums sums;
            // A read blocked on a silent server holds the converter's reader until the read
            // timeout; when the lease is lost or the worker stops, the source is aborted instead.
            Stopper stopper = new Stopper(context, Thread.currentThread(), src);
            try (stopper; VirtualDisk disk = Converter.open(src, inspection);
                 InOrderDigest inOrder = InOrderDigest.forTarget(conversion.get())) {
                // The converter re-read the headers: a source that answers differently now is not
                // the one inspected (the size bounds the output, as the inspection's did).
                if (inspection.virtualSize() >= 0 && disk.size() != inspection.virtualSize()) {
                    throw new SourceException("the source changed while being read: its virtual size is now "
                            + disk.size() + " bytes, the inspection read " + inspection.virtualSize());
                }
                virtualSize = convert(disk, conversion.get(), converted, context, inOrder);
                sums = inOrder == null ? null : inOrder.result();
            } catch (IOException | RuntimeException e) {
                if (stopper.fired()) {
                    throw new InterruptedIOException("task lease lost or worker stopping");
                }
                throw e;
            }
            long t2 = System.nanoTime();
            if (sums == null) {
                sums = digest(converted, context);
            }
            long t3 = System.nanoTime();
            checkAlive(context);
            StoreOutcome outcome = storeAll(task, context, plan, targets, key, converted, sums.size());
            long t4 = System.nanoTime();
            LOG.info("import {}: ranged source of {} bytes ({} blocks fetched, no staging copy), inspect {} ms, "
                            + "convert to {} {} ms (stored {} bytes), digest of output {} ms, store {} ms",
                    task.id(), size, src instanceof BlockCache b ? b.fetches() : -1, ms(t1 - t0), conversion.get(),
                    ms(t2 - t1), sums.size(), ms(t3 - t2), ms(t4 - t3));
            context.progress(sums.size(), sums.size());
            plan.target().commit(task, context, new Stored(key, sums, virtualSize, inspection, conversion,
                    outcome.stored(), outcome.failed()));
            return true;
        }
    }

    /**
     * Watches, while a conversion reads a ranged source, for the lease being lost or the job's
     * thread being interrupted, and then aborts the source ({@link BlockCache#abort}) so that a
     * read waiting on the network ends at once; checks every 100 ms on a virtual thread.
     */
    private static final class Stopper implements AutoCloseable {
        private final Thread watcher;
        private volatile boolean done;
        private volatile boolean fired;

        Stopper(JobContext context, Thread job, ReadSource src) {
            watcher = Thread.ofVirtual().name("ferry-import-stopper").start(() -> {
                try {
                    while (!done) {
                        if (context.leaseLost() || job.isInterrupted()) {
                            fired = true;
                            if (src instanceof BlockCache cache) {
                                cache.abort();
                            } else {
                                src.close();
                            }
                            return;
                        }
                        Thread.sleep(100);
                    }
                } catch (InterruptedException | IOException e) {
                    // closing: nothing to watch any more
                }
            });
        }

        boolean fired() {
            return fired;
        }

        @Override
        public void close() {
            done = true;
            watcher.interrupt();
            Threads.joinUninterruptibly(watcher);
        }
    }

    /**
     * Whether a source claimed to be in {@code format} is converted while it downloads: its reader
     * needs the file's parts roughly in file order (qcow2 as qemu-img writes it: header, tables,
     * then clusters in guest order; raw) and checks every table entry it follows by itself, so it
     * is safe to run before the inspection of the complete file, which still decides.
     */
    static boolean readableInOrder(DiskFormat format) {
        return format == DiskFormat.QCOW2 || format == DiskFormat.RAW;
    }

    /**
     * The streaming decision: convert while downloading when a conversion is certain before the
     * bytes are seen, the length is announced (the readers need the file size) and the claimed
     * format is {@link #readableInOrder}; else download to the staging file first.
     */
    static boolean convertsWhileDownloading(boolean conversionExpected, long contentLength, Optional<DiskFormat> claimed) {
        return conversionExpected && contentLength >= 0 && claimed.isPresent() && readableInOrder(claimed.get());
    }

    /** The output of a conversion that ran while the source was downloading, before inspection. */
    private record Speculation(TargetFormat target, long virtualSize, Checksums sums) {
    }

    /**
     * Starts the download on a thread of its own and a conversion of what has arrived (through the
     * {@link Spool}) on another, and waits for the conversion; the complete file is inspected
     * afterwards. Returns null when the conversion gave up (bad or unexpected content, a failed
     * download, an output over the cap): the caller then decides on the complete file as if
     * nothing had run. Never decides acceptance itself. If this thread is interrupted (lease lost,
     * shutdown), both threads are stopped before it returns.
     */
    private Speculation convertWhileDownloading(Download download, DiskFormat claimed, String diskFormat, Path out,
                                                JobContext context) throws IOException, InterruptedException {
        FutureTask<Speculation> conversion = new FutureTask<>(() -> {
            ReadSource src = download.spool.reader();
            try (VirtualDisk disk = Converter.open(src, Inspection.accept(claimed, null, -1, -1, src.size()))) {
                Optional<TargetFormat> target;
                try {
                    target = policy.conversion(Inspection.accept(claimed, null, disk.size(), -1, src.size()), diskFormat);
                } catch (JobFailedException e) {
                    return null;
                }
                // The output is bounded like a raw one before any inspection: at most the cap.
                if (target.isEmpty() || disk.size() > policy.maxOutputBytes()) {
                    return null;
                }
                try (InOrderDigest inOrder = InOrderDigest.forTarget(target.get())) {
                    long virtualSize = convert(disk, target.get(), out, context, inOrder);
                    return new Speculation(target.get(), virtualSize, inOrder == null ? null : inOrder.result());
                }
            } catch (InterruptedIOException | StoppedException | LeaseLostException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                LOG.debug("conversion during the download gave up: {}", e.toString());
                return null;
            }
        });
        Thread converter = Thread.ofPlatform().name("ferry-import-convert").daemon(true).start(conversion);
        try {
            download.start();
            return conversion.get();
        } catch (ExecutionException e) {
            Failures.rethrow(e.getCause());
            throw new IOException(e);
        } finally {
            if (!conversion.isDone() || Thread.currentThread().isInterrupted()) {
                download.abort();
            }
            Threads.joinUninterruptibly(converter);
        }
    }

    /**
     * One download into a {@link Spool}: on the job's thread ({@link #finish()} alone) or on its
     * own ({@link #start()} first). Digests the bytes as they pass when asked; checks the length
     * against the announced one.
     */
    private final class Download implements Runnable {
        private final OpenedStream opened;
        private final JobContext context;
        private final boolean digest;
        Spool spool;
        private Thread thread;
        private volatile Checksums result;
        private volatile Throwable failure;
        /** System.nanoTime() when the last byte was in the staging file (0 until then). */
        volatile long endedNanos;
        private boolean aborted;

        Download(OpenedStream opened, JobContext context, boolean digest) {
            this.opened = opened;
            this.context = context;
            this.digest = digest;
        }

        void start() {
            thread = Thread.ofPlatform().name("ferry-import-download").daemon(true).start(this);
        }

        @Override
        public void run() {
            try {
                result = copy(false);
            } catch (Throwable t) {
                failure = t;
            }
        }

        /** Runs the download here, or waits for the thread; the digests (null if not asked). */
        Checksums finish() throws IOException, InterruptedException {
            if (thread == null) {
                return copy(true);
            }
            thread.join();
            Failures.rethrow(failure);
            return result;
        }

        private Checksums copy(boolean reportProgress) throws IOException {
            try (InputStream body = digest ? new ChecksummingInputStream(opened.body()) : opened.body()) {
                long total = opened.contentLength();
                long cap = policy.limits().maxFileSize();
                byte[] buffer = new byte[1 << 20];
                long done = 0;
                int n;
                while ((n = body.read(buffer)) >= 0) {
                    done += n;
                    if (done > cap) {
                        throw new FileTooLargeException(done);
                    }
                    spool.append(buffer, 0, n);
                    if (context.leaseLost() || Thread.currentThread().isInterrupted()) {
                        throw new InterruptedIOException("task lease lost or worker stopping");
                    }
                    if (reportProgress) {
                        context.progress(done, total);
                    }
                }
                if (total >= 0 && done != total) {
                    throw new SourceException("the download ended after " + done + " of the " + total
                            + " bytes announced (truncated)");
                }
                Checksums sums = digest ? ((ChecksummingInputStream) body).finish() : null;
                spool.complete();
                endedNanos = System.nanoTime();
                return sums;
            } catch (IOException | RuntimeException | Error e) {
                spool.fail(e);
                throw e;
            }
        }

        /** Stops the transfer if it still runs and waits for its thread; closes the spool. */
        void abort() {
            if (aborted) {
                return;
            }
            aborted = true;
            try {
                opened.close(); // aborts an unfinished transfer
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing the source: {}", e.toString());
            }
            if (spool != null) {
                spool.cancel();
            }
            if (thread != null) {
                Threads.joinUninterruptibly(thread);
            }
            if (spool != null) {
                try {
                    spool.close();
                } catch (IOException e) {
                    LOG.debug("closing the staging file: {}", e.toString());
                }
            }
        }
    }

    /**
     * Converts {@code disk} into {@code out} as {@link Converter#convert} does, with the writer
     * wrapped by {@code inOrder} (when not null) so that the output is digested as it is written.
     */
    private static long convert(VirtualDisk disk, TargetFormat target, Path out, JobContext context,
                                InOrderDigest inOrder) throws IOException {
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                     StandardOpenOption.WRITE, StandardOpenOption.READ);
             // O_DIRECT for the data: the output becomes a blob nobody reads soon (Sink#asyncDirect)
             Sink sink = Sink.asyncDirect(ch, out, Converter.WRITE_THREADS, Converter.WRITE_BUFFERS);
             SyncBehind syncBehind = new SyncBehind(ch);
             DiskWriter w = inOrder == null ? Converter.writer(target, disk.size(), sink)
                     : inOrder.wrap(Converter.writer(target, disk.size(), sink))) {
            Converter.copy(disk, w, sink, (done, total) -> {
                checkAlive(context);
                context.progress(done, total);
                syncBehind.advanced(done);
            });
            sink.drain();
            return w.virtualSize();
        }
    }

    /** The digests of a staged file. */
    private static Checksums digest(Path file, JobContext context) throws IOException {
        try (InputStream in = Files.newInputStream(file);
             ChecksummingInputStream digesting = new ChecksummingInputStream(in)) {
            long total = Files.size(file);
            copy(digesting, OutputStream.nullOutputStream(), context, total, Long.MAX_VALUE);
            return digesting.finish();
        }
    }

    /** Copies to the end; stops with {@link FileTooLargeException} past {@code cap} bytes. */
    private static long copy(InputStream in, OutputStream out, JobContext context, long total, long cap)
            throws IOException {
        byte[] buffer = new byte[1 << 20];
        long done = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            done += n;
            if (done > cap) {
                throw new FileTooLargeException(done);
            }
            out.write(buffer, 0, n);
            if (context.leaseLost() || Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("task lease lost or worker stopping");
            }
            context.progress(done, total);
        }
        return done;
    }

    private static void checkAlive(JobContext context) {
        if (context.leaseLost() || Thread.currentThread().isInterrupted()) {
            throw new StoppedException();
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    static String blobKey(Task task, int attempt) {
        return blobKey(task.id(), attempt);
    }

    static String blobKey(java.util.UUID taskId, int attempt) {
        return "task-" + taskId + "-" + attempt;
    }

    /**
     * The last attempt may have died between storing its blob and committing; no retry will come
     * to remove it (or an earlier attempt's), so the blobs and staging files of every attempt go now.
     */
    @Override
    public void abandon(java.util.UUID taskId, int attempts) {
        for (int attempt = 1; attempt <= attempts; attempt++) {
            deleteQuietly(stores.ids(), blobKey(taskId, attempt));
        }
        try {
            staging.removeAttempts(taskId, attempts);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove staging files of abandoned task {}: {}", taskId, e.toString());
        }
        imageImport.abandon(taskId);
    }

    private void deleteQuietly(List<String> storeIds, String key) {
        for (String id : storeIds) {
            try {
                BlobStore store = stores.find(id).map(Stores.Entry::store).orElse(null);
                if (store != null) {
                    store.delete(key);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not remove blob {} of a failed import from store {}: {}", key, id, e.toString());
            }
        }
    }

    private void deleteQuietly(Path file) {
        try {
            staging.release(file);
        } catch (IOException e) {
            LOG.warn("could not remove staging file {}: {}", file, e.toString());
        }
    }

    /** The source turned out larger than the profile's file size limit (more than {@code size} bytes). */
    private static final class FileTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;
        private final long size;

        FileTooLargeException(long size) {
            super("more than " + size + " bytes");
            this.size = size;
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
