package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.server.TestDatabases;
import dev.ferry.server.config.FerryConfig;
import dev.ferry.server.db.Database;
import dev.ferry.server.images.Image;
import dev.ferry.server.images.ImageRepository;
import dev.ferry.server.images.ImageService;
import dev.ferry.server.sources.HttpSource;
import dev.ferry.server.sources.UrlGuard;
import dev.ferry.server.sources.UrlPolicy;
import dev.ferry.server.stores.BlobStore;
import dev.ferry.server.stores.FileStore;
import dev.ferry.server.stores.Stores;
import dev.ferry.server.stores.StoredBlob;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * A glance-direct import into three stores, run by ImportJob directly: while the last store is
 * still writing, the image's {@code os_glance_importing_to_stores} names only that store and
 * {@code os_glance_failed_import} the one that failed (Glance updates them store by store).
 */
class MultistoreImportProgressTest {

    @TempDir
    Path dir;

    /** A store whose puts wait for the test. */
    static final class HeldStore implements BlobStore {
        final FileStore files;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        HeldStore(FileStore files) {
            this.files = files;
        }

        @Override
        public StoredBlob put(String key, InputStream data) throws IOException {
            entered.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("not released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
            return files.put(key, data);
        }

        @Override
        public InputStream get(String key) throws IOException {
            return files.get(key);
        }

        @Override
        public long size(String key) throws IOException {
            return files.size(key);
        }

        @Override
        public void delete(String key) throws IOException {
            files.delete(key);
        }
    }

    /** A store that refuses every put. */
    static final class BrokenStore implements BlobStore {
        @Override
        public StoredBlob put(String key, InputStream data) throws IOException {
            throw new IOException("disk on fire");
        }

        @Override
        public InputStream get(String key) throws IOException {
            throw new IOException("disk on fire");
        }

        @Override
        public long size(String key) throws IOException {
            throw new IOException("disk on fire");
        }

        @Override
        public void delete(String key) {
        }
    }

    @Test
    void theImagePropertiesFollowTheStoresAsTheyFinish() throws Exception {
        Clock clock = Clock.systemUTC();
        JsonMapper json = JsonMapper.builder().build();
        FileStore fast = new FileStore(Files.createDirectories(dir.resolve("fast")), clock);
        HeldStore slow = new HeldStore(new FileStore(Files.createDirectories(dir.resolve("slow")), clock));
        Stores stores = Stores.multi(List.of(new Stores.Entry("fast", "file", "", Map.of(), fast),
                new Stores.Entry("broken", "file", "", Map.of(), new BrokenStore()),
                new Stores.Entry("slow", "file", "", Map.of(), slow)), "fast");
        byte[] raw = TestImages.raw(3 * 65536, 9);
        try (Database db = Database.open(new FerryConfig.Database(TestDatabases.h2(dir), "", "", 2));
             HttpSource http = new HttpSource(new UrlGuard(UrlPolicy.defaults()))) {
            ImageRepository images = new ImageRepository(db.jdbi(), json);
            UUID taskId = UUID.randomUUID();
            Instant now = clock.instant();
            Image image = new Image(UUID.randomUUID(), "i", "importing", "shared", "p", "raw", "bare", (long) raw.length,
                    null, null, null, null, null, 0, 0, false, Map.of("os_glance_import_task", taskId.toString(),
                    "os_glance_importing_to_stores", "fast,broken,slow", "os_glance_failed_import", ""), now, now,
                    false, List.of());
            images.insert(image);
            fast.put(ImageService.stagingKey(image.id()), new ByteArrayInputStream(raw));
            String input = "{\"image_id\": \"" + image.id() + "\", \"import_req\": {\"method\": {\"name\": "
                    + "\"glance-direct\"}, \"stores\": [\"fast\", \"broken\", \"slow\"], \"all_stores_must_succeed\": "
                    + "false}, \"backend\": [\"fast\", \"broken\", \"slow\"]}";
            Task task = new Task(taskId, TaskType.API_IMAGE_IMPORT, TaskStatus.PROCESSING, "p", input, null, "", now, now,
                    null, null, null, image.id().toString(), null, 1);
            ImportJob job = new ImportJob(new ImportSources(http, Optional.empty(), Optional.empty(), "b"), stores,
                    images, clock, json, ImportPolicy.of("openstack", "keep", 1 << 20),
                    new StagingArea(dir.resolve("staging"), clock));
            ImportJobStreamingTest.Context context = new ImportJobStreamingTest.Context();
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    job.run(task, context);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                assertThat(slow.entered.await(30, TimeUnit.SECONDS)).isTrue();
                Map<String, String> during = images.find(image.id()).orElseThrow().properties();
                assertThat(during).containsEntry("os_glance_importing_to_stores", "slow")
                        .containsEntry("os_glance_failed_import", "broken")
                        .containsEntry("os_glance_import_task", taskId.toString());
            } finally {
                slow.release.countDown();
                runner.join(30_000);
            }
            assertThat(context.succeeded).isTrue();
            try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("slow"))) {
                assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("task-" + taskId + "-1");
            }
        }
    }

    @Test
    void anAbandonedCopyReleasesTheActiveImageAndRemovesItsBlobs() throws Exception {
        Clock clock = Clock.systemUTC();
        JsonMapper json = JsonMapper.builder().build();
        FileStore fast = new FileStore(Files.createDirectories(dir.resolve("fast")), clock);
        FileStore cold = new FileStore(Files.createDirectories(dir.resolve("cold")), clock);
        Stores stores = Stores.multi(List.of(new Stores.Entry("fast", "file", "", Map.of(), fast),
                new Stores.Entry("cold", "file", "", Map.of(), cold)), "fast");
        try (Database db = Database.open(new FerryConfig.Database(TestDatabases.h2(dir), "", "", 2));
             HttpSource http = new HttpSource(new UrlGuard(UrlPolicy.defaults()))) {
            ImageRepository images = new ImageRepository(db.jdbi(), json);
            UUID taskId = UUID.randomUUID();
            Instant now = clock.instant();
            Image image = new Image(UUID.randomUUID(), "i", "active", "shared", "p", "raw", "bare", 3L, null, null,
                    null, null, "key", 0, 0, false, Map.of("os_glance_import_task", taskId.toString(),
                    "os_glance_importing_to_stores", "cold", "os_glance_failed_import", ""), now, now, false, List.of());
            images.insert(image);
            fast.put("key", new ByteArrayInputStream(new byte[] {1, 2, 3}));
            // what the copy's killed attempt left in the target store
            cold.put("task-" + taskId + "-2", new ByteArrayInputStream(new byte[] {1, 2, 3}));
            ImportJob job = new ImportJob(new ImportSources(http, Optional.empty(), Optional.empty(), "b"), stores,
                    images, clock, json, ImportPolicy.of("openstack", "keep", 1 << 20),
                    new StagingArea(dir.resolve("staging"), clock));

            job.abandon(taskId, 2);

            Image after = images.find(image.id()).orElseThrow();
            assertThat(after.status()).isEqualTo("active");
            assertThat(after.properties()).doesNotContainKey("os_glance_import_task")
                    .containsEntry("os_glance_importing_to_stores", "").containsEntry("os_glance_failed_import", "cold");
            try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("cold"))) {
                assertThat(files).isEmpty();
            }
            assertThat(fast.size("key")).isEqualTo(3);
        }
    }
}
