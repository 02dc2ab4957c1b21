package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.server.MutableClock;
import dev.ferry.server.images.ImageRepository;
import dev.ferry.server.sources.HttpSource;
import dev.ferry.server.sources.UrlGuard;
import dev.ferry.server.sources.UrlPolicy;
import dev.ferry.server.stores.FileStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** A task failed after its last attempt died between storing and committing leaves no blob behind. */
class ImportJobAbandonTest {

    @TempDir
    Path dir;

    @Test
    void abandonRemovesTheBlobsAndStagingFilesOfEveryAttemptOfThatTaskOnly() throws IOException {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T23:00:00Z"));
        FileStore store = new FileStore(Files.createDirectories(dir.resolve("store")), clock);
        StagingArea staging = new StagingArea(dir.resolve("staging"), clock);
        UUID id = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        for (String key : new String[] {"task-" + id + "-2", "task-" + id + "-3", "task-" + other + "-3", "image-kept"}) {
            store.put(key, new ByteArrayInputStream(new byte[] {1, 2, 3}));
        }
        Path staged = Files.createFile(staging.newFile(StagingAreaTest.task(id, 3), "output"));
        try (HttpSource http = new HttpSource(new UrlGuard(UrlPolicy.defaults()))) {
            ImportJob job = new ImportJob(new ImportSources(http, Optional.empty(), Optional.empty(), "b"), store,
                    new ImageRepository(Jdbi.create("jdbc:h2:mem:unused"), JsonMapper.builder().build()), clock,
                    JsonMapper.builder().build(), ImportPolicy.of("openstack", "keep", 1 << 20), staging);
            job.abandon(id, 3);
            job.abandon(id, 3); // again (another node saw it too): nothing left, no error
        }
        try (Stream<Path> left = Files.list(dir.resolve("store"))) {
            assertThat(left.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("image-kept", "task-" + other + "-3");
        }
        assertThat(staged).doesNotExist();
    }
}
