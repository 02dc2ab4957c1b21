package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.server.MutableClock;
import dev.ferry.server.TestDatabases;
import dev.ferry.server.config.FerryConfig;
import dev.ferry.server.db.Database;
import dev.ferry.server.images.Image;
import dev.ferry.server.images.ImageRepository;
import dev.ferry.server.images.ImageService;
import dev.ferry.server.sources.HttpSource;
import dev.ferry.server.sources.UrlGuard;
import dev.ferry.server.sources.UrlPolicy;
import dev.ferry.server.stores.FileStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * An interoperable import whose task used up its attempts (its nodes died mid-import) frees its
 * image: back to queued without the lock, staged data removed; another image's lock is untouched.
 */
class ImageImportAbandonTest {

    @TempDir
    Path dir;

    @Test
    void abandonPutsTheLockedImageBackToQueued() throws IOException {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T00:30:00Z"));
        JsonMapper json = JsonMapper.builder().build();
        FileStore store = new FileStore(Files.createDirectories(dir.resolve("store")), clock);
        try (Database db = Database.open(new FerryConfig.Database(TestDatabases.h2(dir), "", "", 2));
             HttpSource http = new HttpSource(new UrlGuard(UrlPolicy.defaults()))) {
            ImageRepository images = new ImageRepository(db.jdbi(), json);
            UUID task = UUID.randomUUID();
            UUID otherTask = UUID.randomUUID();
            Image mine = importing(UUID.randomUUID(), task, clock.instant());
            Image other = importing(UUID.randomUUID(), otherTask, clock.instant());
            images.insert(mine);
            images.insert(other);
            store.put(ImageService.stagingKey(mine.id()), new ByteArrayInputStream(new byte[] {1, 2, 3}));
            ImportJob job = new ImportJob(new ImportSources(http, Optional.empty(), Optional.empty(), "b"), store,
                    images, clock, json, ImportPolicy.of("openstack", "keep", 1 << 20),
                    new StagingArea(dir.resolve("staging"), clock));

            job.abandon(task, 3);

            Image back = images.find(mine.id()).orElseThrow();
            assertThat(back.status()).isEqualTo("queued");
            assertThat(back.properties()).doesNotContainKey("os_glance_import_task")
                    .containsEntry("os_glance_failed_import", "").containsEntry("hw_disk_bus", "virtio");
            assertThat(back.size()).isNull();
            assertThat(Files.exists(dir.resolve("store").resolve(ImageService.stagingKey(mine.id())))).isFalse();
            Image untouched = images.find(other.id()).orElseThrow();
            assertThat(untouched.status()).isEqualTo("importing");
            assertThat(untouched.properties()).containsEntry("os_glance_import_task", otherTask.toString());
        }
    }

    private static Image importing(UUID id, UUID task, Instant now) {
        return new Image(id, "i", "importing", "shared", "p", "raw", "bare", 3L, null, null, null, null, null, 0, 0,
                false, Map.of("os_glance_import_task", task.toString(), "os_glance_importing_to_stores", "",
                "os_glance_failed_import", "", "hw_disk_bus", "virtio"), now, now, false, List.of());
    }
}
