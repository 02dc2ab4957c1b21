package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.server.images.ImageRepository;
import dev.ferry.server.sources.HttpSource;
import dev.ferry.server.sources.RangeServer;
import dev.ferry.server.sources.UrlGuard;
import dev.ferry.server.sources.UrlPolicy;
import dev.ferry.server.stores.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** ImportJob run directly, to take its lease away while it converts a source that is still downloading. */
class ImportJobStreamingTest {

    @TempDir
    Path dir;

    /** A job context whose lease the test can take away. */
    static final class Context implements JobContext {
        volatile boolean lost;
        volatile boolean succeeded;

        @Override
        public void progress(long bytesDone, long bytesTotal) {
        }

        @Override
        public void succeed(ObjectNode result, Consumer<Handle> inSameTransaction) {
            succeeded = true;
        }

        @Override
        public boolean leaseLost() {
            return lost;
        }
    }

    static long bytesIn(Path staging, String role) throws java.io.IOException {
        try (Stream<Path> files = Files.list(staging)) {
            long n = 0;
            for (Path p : files.filter(p -> p.getFileName().toString().contains("-" + role + "-")).toList()) {
                try {
                    n += Files.size(p);
                } catch (java.nio.file.NoSuchFileException e) {
                    // removed meanwhile
                }
            }
            return n;
        }
    }

    @Test
    void aLeaseLostWhileConvertingADownloadStopsBothAndLeavesNothingBehind() throws Exception {
        Clock clock = Clock.systemUTC();
        FileStore store = new FileStore(Files.createDirectories(dir.resolve("store")), clock);
        StagingArea staging = new StagingArea(dir.resolve("staging"), clock);
        byte[] raw = TestImages.raw(16 << 20, 21);
        CountDownLatch gate = new CountDownLatch(1);
        try (DataServer data = new DataServer();
             HttpSource http = new HttpSource(new UrlGuard(UrlPolicy.defaults()
                     .withAllowedHosts(List.of("127.0.0.1")).withAllowedPorts(Set.of(data.port()))))) {
            String url = data.hold("/held.raw", raw, 12 << 20, gate);
            ImportJob job = new ImportJob(new ImportSources(http, Optional.empty(), Optional.empty(), "b"), store,
                    new ImageRepository(Jdbi.create("jdbc:h2:mem:unused"), JsonMapper.builder().build()), clock,
                    JsonMapper.builder().build(), ImportPolicy.of("openstack", "keep", 1L << 30), staging);
            Instant now = clock.instant();
            Task task = new Task(UUID.randomUUID(), TaskType.IMPORT, TaskStatus.PROCESSING, "p",
                    "{\"import_from\": \"" + url + "\", \"import_from_format\": \"raw\", "
                            + "\"image_properties\": {\"name\": \"n\", \"disk_format\": \"qcow2\"}}",
                    null, "", now, now, null, "req", "u", null, null, 1);
            Context context = new Context();
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    job.run(task, context);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            try {
                // converting while the last quarter of the source is held back
                await().atMost(Duration.ofSeconds(50)).until(() -> bytesIn(staging.dir(), "output") > 0);
                context.lost = true;
                assertThat(outcome.get(30, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            } finally {
                gate.countDown();
            }
            assertThat(context.succeeded).isFalse();
        }
        try (Stream<Path> left = Files.list(dir.resolve("staging"))) {
            assertThat(left.toList()).as("staging").isEmpty();
        }
        try (Stream<Path> left = Files.list(dir.resolve("store"))) {
            assertThat(left.toList()).as("store").isEmpty();
        }
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("ferry-import-"))).as("import threads still running").isEmpty();
    }

    /** The lease lost while the converter waits on a ranged read the server does not answer. */
    @Test
    void aLeaseLostWhileARangedReadWaitsAbortsItAndLeavesNothingBehind() throws Exception {
        Clock clock = Clock.systemUTC();
        FileStore store = new FileStore(Files.createDirectories(dir.resolve("store")), clock);
        StagingArea staging = new StagingArea(dir.resolve("staging"), clock);
        byte[] vhd = TestImages.convert(TestImages.raw(24 << 20, 22), dev.ferry.format.convert.TargetFormat.VHD_DYNAMIC,
                Files.createDirectories(dir.resolve("work")));
        CountDownLatch gate = new CountDownLatch(1);
        try (RangeServer data = new RangeServer();
             HttpSource http = new HttpSource(new UrlGuard(UrlPolicy.defaults()
                     .withAllowedHosts(List.of("127.0.0.1")).withAllowedPorts(Set.of(data.port()))))) {
            String url = data.serve("/held.vhd", vhd);
            data.holdFrom("/held.vhd", 12 << 20, gate); // the default read timeout is 60 s
            ImportJob job = new ImportJob(new ImportSources(http, Optional.empty(), Optional.empty(), "b"), store,
                    new ImageRepository(Jdbi.create("jdbc:h2:mem:unused"), JsonMapper.builder().build()), clock,
                    JsonMapper.builder().build(), ImportPolicy.of("openstack", "keep", 1L << 30), staging);
            Instant now = clock.instant();
            Task task = new Task(UUID.randomUUID(), TaskType.IMPORT, TaskStatus.PROCESSING, "p",
                    "{\"import_from\": \"" + url + "\", \"import_from_format\": \"vhd\", "
                            + "\"image_properties\": {\"name\": \"n\", \"disk_format\": \"raw\"}}",
                    null, "", now, now, null, "req", "u", null, null, 1);
            Context context = new Context();
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    job.run(task, context);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            try {
                // converting from ranges, the reads from 12 MiB on unanswered
                await().atMost(Duration.ofSeconds(50)).until(() -> bytesIn(staging.dir(), "output") > 0
                        && data.rangesSeen("/held.vhd").stream().anyMatch(r -> r.startsWith("bytes=12582912-")));
                context.lost = true;
                assertThat(outcome.get(20, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            } finally {
                gate.countDown();
            }
            assertThat(context.succeeded).isFalse();
            assertThat(bytesIn(staging.dir(), "source")).isZero();
        }
        try (Stream<Path> left = Files.list(dir.resolve("staging"))) {
            assertThat(left.toList()).as("staging").isEmpty();
        }
        try (Stream<Path> left = Files.list(dir.resolve("store"))) {
            assertThat(left.toList()).as("store").isEmpty();
        }
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("ferry-import-") || n.startsWith("ferry-convert-")))
                .as("import threads still running").isEmpty();
    }
}
