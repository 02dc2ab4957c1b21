package dev.ferry.server.tasks;

import dev.ferry.server.images.Checksums;
import dev.ferry.server.images.ChecksummingInputStream;
import dev.ferry.server.images.Image;
import dev.ferry.server.images.ImageRepository;
import dev.ferry.server.sources.HttpSource;
import dev.ferry.server.sources.OpenedStream;
import dev.ferry.server.sources.SourceException;
import dev.ferry.server.sources.UrlGuard;
import dev.ferry.server.sources.UrlRejectedException;
import dev.ferry.server.stores.BlobStore;
import dev.ferry.server.stores.StoredBlob;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code import} task: streams {@code import_from} (http/https, behind {@link UrlGuard}) into
 * the blob store while computing MD5 and SHA-512, then makes an {@code active} image visible in
 * the same transaction that marks the task successful. Nothing is visible before that; a failed
 * or superseded attempt removes its blob.
 *
 * <p>This version stores raw images as they are: other formats need the format inspector and
 * converter, and are refused with a message saying so. Rackspace's {@code container/object}
 * sources need an object store, which is not wired yet.
 */
public final class ImportJob implements Job {

    private static final Logger LOG = LoggerFactory.getLogger(ImportJob.class);

    private final HttpSource source;
    private final BlobStore store;
    private final ImageRepository images;
    private final Clock clock;
    private final JsonMapper json;

    public ImportJob(HttpSource source, BlobStore store, ImageRepository images, Clock clock, JsonMapper json) {
        this.json = json;
        this.source = source;
        this.store = store;
        this.images = images;
        this.clock = clock;
    }

    @Override
    public void run(Task task, JobContext context) throws JobFailedException, InterruptedException {
        ObjectNode input = task.input() == null ? null : (ObjectNode) json.readTree(task.input());
        if (input == null || !input.path("import_from").isString()) {
            throw new JobFailedException("Input does not contain 'import_from' field");
        }
        String from = input.get("import_from").asString();
        if (!from.contains("://")) {
            throw new JobFailedException("Importing from '" + from + "' (container/object) needs an object store "
                    + "(store.type=swift), which this server does not support yet.");
        }
        for (String field : new String[] {"import_from_format", "image_properties"}) {
            if (!input.has(field)) {
                throw new JobFailedException("Input does not contain '" + field + "' field");
            }
        }
        JsonNode format = input.get("import_from_format");
        ImageProperties props = ImageProperties.parse(input.get("image_properties"));
        String declared = format.isString() ? format.asString() : String.valueOf(format);
        String diskFormat = props.diskFormat() == null ? declared : props.diskFormat();
        if (!declared.equals("raw") || !diskFormat.equals("raw")) {
            throw new JobFailedException("Only raw images can be imported by this server for now: import_from_format "
                    + "is '" + declared + "' and disk_format '" + diskFormat + "'; other formats need the "
                    + "format inspector, which is not wired into imports yet.");
        }
        URI url;
        try {
            url = source.guard().checkSyntax(from);
        } catch (UrlRejectedException e) {
            throw new JobFailedException("URI for import does not pass filtering: " + e.getMessage());
        }

        UUID imageId = UUID.randomUUID();
        // The blob is named after the task and attempt, so that a retry can remove what an attempt
        // killed between the end of its upload and its commit left behind.
        for (int earlier = 1; earlier < task.attempts(); earlier++) {
            deleteQuietly(blobKey(task, earlier));
        }
        String key = blobKey(task, task.attempts());
        StoredBlob blob = null;
        boolean committed = false;
        try (OpenedStream opened = source.open(url);
             ChecksummingInputStream digesting = new ChecksummingInputStream(opened.body())) {
            long total = opened.contentLength();
            context.progress(0, total);
            blob = store.put(key, new ProgressStream(digesting, context, total));
            Checksums sums = digesting.finish();
            if (total >= 0 && sums.size() != total) {
                throw new JobFailedException("Download of " + from + " ended after " + sums.size() + " of " + total
                        + " bytes.");
            }
            context.progress(sums.size(), sums.size());
            Instant now = clock.instant();
            Image image = new Image(imageId, props.name(), "active", "shared", task.owner(), "raw",
                    props.containerFormat() == null ? "bare" : props.containerFormat(), sums.size(), sums.size(),
                    sums.md5(), "sha512", sums.sha512(), blob.key(), props.minRam(), props.minDisk(), false,
                    props.extra(), now, now);
            ObjectNode result = JsonNodeFactory.instance.objectNode().put("image_id", imageId.toString());
            context.succeed(result, h -> images.insert(h, image));
            committed = true;
        } catch (SourceException e) {
            throw new JobFailedException("Could not download " + from + ": " + e.getMessage(), e);
        } catch (InterruptedIOException e) {
            throw new InterruptedException("interrupted while importing");
        } catch (IOException e) {
            throw new JobFailedException("Import of " + from + " failed: " + e.getMessage(), e);
        } finally {
            if (!committed) {
                deleteQuietly(key);
            }
        }
    }

    static String blobKey(Task task, int attempt) {
        return "task-" + task.id() + "-" + attempt;
    }

    private void deleteQuietly(String key) {
        try {
            store.delete(key);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove blob {} of a failed import: {}", key, e.toString());
        }
    }

    /** Reports bytes read to the task (throttled by the context) and stops if the lease is lost. */
    private static final class ProgressStream extends FilterInputStream {
        private final JobContext context;
        private final long total;
        private long done;

        ProgressStream(InputStream in, JobContext context, long total) {
            super(in);
            this.context = context;
            this.total = total;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                advance(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                advance(n);
            }
            return n;
        }

        private void advance(int n) throws IOException {
            done += n;
            if (context.leaseLost() || Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("task lease lost or worker stopping");
            }
            context.progress(done, total);
        }
    }
}
