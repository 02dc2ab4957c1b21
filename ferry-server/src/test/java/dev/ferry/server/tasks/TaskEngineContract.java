package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.server.MutableClock;
import dev.ferry.server.config.FerryConfig;
import dev.ferry.server.db.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/** The lease-based engine against a real database: claims, reclaims, attempts, heartbeats, reaping. */
abstract class TaskEngineContract {

    static final FerryConfig.Tasks SETTINGS = new FerryConfig.Tasks(FerryConfig.TaskAccess.ADMIN,
            Duration.ofHours(48), 2, Duration.ofSeconds(2), Duration.ofSeconds(1), 3, Duration.ofMillis(50),
            Duration.ofSeconds(1));

    @TempDir
    Path dir;
    Database db;
    TaskRepository repo;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
    List<TaskWorkerPool> pools = new ArrayList<>();

    abstract String databaseUrl(Path dir);

    @BeforeEach
    void open() {
        db = Database.open(new FerryConfig.Database(databaseUrl(dir), "", "", 10));
        repo = new TaskRepository(db.jdbi(), JsonMapper.builder().build());
    }

    @AfterEach
    void close() {
        pools.forEach(TaskWorkerPool::close);
        db.close();
    }

    TaskWorkerPool pool(Job job, String node) {
        TaskWorkerPool p = new TaskWorkerPool(repo, db.jdbi(), clock, SETTINGS, Map.of(TaskType.IMPORT, job), node);
        pools.add(p);
        p.start();
        return p;
    }

    UUID pending() {
        Instant now = clock.instant();
        Task t = new Task(UUID.randomUUID(), TaskType.IMPORT, TaskStatus.PENDING, "p1", null, null, "", now, now,
                null, "req-1", "u1", null, null, 0);
        repo.insert(t);
        return t.id();
    }

    /** A task that a dead node was processing: its lease ran out a minute ago. */
    UUID orphaned(int attempts) {
        UUID id = pending();
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE tasks SET status = 'processing', lease_owner = 'dead-node', "
                        + "lease_expires = :past, attempts = :attempts WHERE id = :id")
                .bind("past", clock.instant().minusSeconds(60).toEpochMilli())
                .bind("attempts", attempts)
                .bind("id", id.toString())
                .execute());
        return id;
    }

    Task task(UUID id) {
        return repo.find(id).orElseThrow();
    }

    static Job succeeding(AtomicInteger runs) {
        return (task, ctx) -> {
            runs.incrementAndGet();
            ctx.succeed(JsonNodeFactory.instance.objectNode().put("image_id", "img-" + task.id()), h -> { });
        };
    }

    @Test
    void aPendingTaskRunsToSuccessAndGetsExpiresAt() {
        AtomicInteger runs = new AtomicInteger();
        UUID id = pending();
        pool(succeeding(runs), "node-a");
        await().atMost(Duration.ofSeconds(20)).until(() -> task(id).status() == TaskStatus.SUCCESS);
        Task t = task(id);
        assertThat(JsonMapper.builder().build().readTree(t.result()).get("image_id").asString()).isEqualTo("img-" + id);
        assertThat(t.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(48)));
        assertThat(t.attempts()).isEqualTo(1);
        assertThat(t.message()).isEmpty();
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void aTaskWhoseWorkerDiedIsClaimedAgainAndRetriedFromScratch() {
        AtomicInteger runs = new AtomicInteger();
        UUID id = orphaned(1);
        pool(succeeding(runs), "node-b");
        await().atMost(Duration.ofSeconds(20)).until(() -> task(id).status() == TaskStatus.SUCCESS);
        assertThat(task(id).attempts()).isEqualTo(2);
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void aTaskWhoseLeaseExpiredMaxAttemptsTimesFailsSayingSo() {
        AtomicInteger runs = new AtomicInteger();
        UUID id = orphaned(3);
        pool(succeeding(runs), "node-c");
        await().atMost(Duration.ofSeconds(20)).until(() -> task(id).status() == TaskStatus.FAILURE);
        assertThat(task(id).message()).startsWith("Task failed after 3 attempts").contains("lease expired");
        assertThat(task(id).expiresAt()).isNotNull();
        assertThat(runs.get()).isZero();
    }

    @Test
    void aTaskFailedAfterMaxAttemptsLetsItsJobRemoveWhatItsAttemptsLeft() {
        List<String> abandoned = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger runs = new AtomicInteger();
        Job job = new Job() {
            @Override
            public void run(Task task, JobContext context) {
                runs.incrementAndGet();
            }

            @Override
            public void abandon(UUID taskId, int attempts) {
                abandoned.add(taskId + "/" + attempts);
            }
        };
        UUID id = orphaned(3);
        UUID retried = orphaned(1);
        pool(job, "node-c2");
        await().atMost(Duration.ofSeconds(20)).until(() -> task(id).status() == TaskStatus.FAILURE);
        assertThat(abandoned).containsExactly(id + "/3");
        await().atMost(Duration.ofSeconds(20)).until(() -> task(retried).status() == TaskStatus.FAILURE);
        assertThat(abandoned).containsExactly(id + "/3"); // a retried task is cleaned up by its retry instead
    }

    @Test
    void theReaperAlsoSweepsLeftoverFilesOnItsSchedule() throws Exception {
        Path stagingDir = java.nio.file.Files.createDirectories(dir.resolve("staging"));
        Path storeDir = java.nio.file.Files.createDirectories(dir.resolve("store"));
        StagingArea staging = new StagingArea(stagingDir, clock);
        dev.ferry.server.stores.FileStore store = new dev.ferry.server.stores.FileStore(storeDir, clock);
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(clock.instant().minusSeconds(600));
        Path killedStaging = java.nio.file.Files.createFile(stagingDir.resolve("task-" + UUID.randomUUID()
                + "-1-source-x" + StagingArea.SUFFIX));
        java.nio.file.Files.setLastModifiedTime(killedStaging, old);
        Path killedPut = java.nio.file.Files.createFile(storeDir.resolve(dev.ferry.server.stores.FileStore.TEMP_PREFIX
                + "task-x-1-y"));
        java.nio.file.Files.setLastModifiedTime(killedPut, old);
        Path freshPut = java.nio.file.Files.createFile(storeDir.resolve(dev.ferry.server.stores.FileStore.TEMP_PREFIX
                + "task-z-1-y"));
        java.nio.file.Files.setLastModifiedTime(freshPut, java.nio.file.attribute.FileTime.from(clock.instant()));
        Duration safeAge = Duration.ofMinutes(2);
        Map<String, TaskReaper.Leftovers> leftovers = new java.util.LinkedHashMap<>();
        leftovers.put("staging", () -> staging.sweep(safeAge));
        leftovers.put("puts", () -> store.sweepTemporaryFiles(safeAge));
        leftovers.put("broken", () -> {
            throw new java.io.IOException("disk gone");
        });
        TaskReaper reaper = new TaskReaper(repo, clock, Duration.ofHours(1), leftovers);
        assertThat(reaper.runOnce()).isZero(); // no task expired; the file sweeps ran all the same
        assertThat(killedStaging).doesNotExist();
        assertThat(killedPut).doesNotExist();
        assertThat(freshPut).exists();
        clock.advance(Duration.ofMinutes(3));
        assertThat(reaper.sweepLeftovers()).isEqualTo(1);
        assertThat(freshPut).doesNotExist();
    }

    @Test
    void aLiveLeaseIsNotStolen() {
        UUID id = pending();
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE tasks SET status = 'processing', lease_owner = 'alive', "
                + "lease_expires = :future, attempts = 1 WHERE id = :id")
                .bind("future", clock.instant().plusSeconds(60).toEpochMilli()).bind("id", id.toString()).execute());
        AtomicInteger runs = new AtomicInteger();
        UUID other = pending();
        pool(succeeding(runs), "node-d");
        await().atMost(Duration.ofSeconds(20)).until(() -> task(other).status() == TaskStatus.SUCCESS);
        assertThat(task(id).status()).isEqualTo(TaskStatus.PROCESSING);
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void aWorkerThatLostItsLeaseStopsAndWritesNothing() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        Job blocking = (task, ctx) -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            }
        };
        UUID id = pending();
        pool(blocking, "node-e");
        started.await();
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE tasks SET lease_owner = 'usurper' WHERE id = :id")
                .bind("id", id.toString()).execute());
        await().atMost(Duration.ofSeconds(20)).until(() -> interrupted.get() == 1);
        Task t = task(id);
        assertThat(t.status()).isEqualTo(TaskStatus.PROCESSING);
        assertThat(t.expiresAt()).isNull();
        String owner = db.jdbi().withHandle(h -> h.createQuery("SELECT lease_owner FROM tasks WHERE id = :id")
                .bind("id", id.toString()).mapTo(String.class).one());
        assertThat(owner).isEqualTo("usurper");
    }

    @Test
    void twoNodesRunEachTaskExactlyOnce() {
        Map<UUID, AtomicInteger> runs = new ConcurrentHashMap<>();
        Job counting = (task, ctx) -> {
            runs.computeIfAbsent(task.id(), k -> new AtomicInteger()).incrementAndGet();
            ctx.succeed(null, h -> { });
        };
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(pending());
        }
        pool(counting, "node-1");
        pool(counting, "node-2");
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(i -> task(i).status() == TaskStatus.SUCCESS));
        assertThat(runs).hasSize(40);
        assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }

    @Test
    void jobFailuresAndUnexpectedErrorsEndInFailureWithTheirMessage() {
        UUID failing = pending();
        pool((task, ctx) -> {
            if (task.id().equals(failing)) {
                throw new JobFailedException("396: The image cannot be imported. The file is not a valid VHD.");
            }
            throw new IllegalStateException("boom");
        }, "node-f");
        UUID crashing = pending();
        await().atMost(Duration.ofSeconds(20)).until(() -> task(failing).status() == TaskStatus.FAILURE
                && task(crashing).status() == TaskStatus.FAILURE);
        assertThat(task(failing).message()).isEqualTo("396: The image cannot be imported. The file is not a valid VHD.");
        assertThat(task(crashing).message()).isEqualTo("Task failed due to an internal error: IllegalStateException: boom");
    }

    @Test
    void progressIsKeptOnTheRunningTask() throws Exception {
        CountDownLatch reported = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        UUID id = pending();
        pool((task, ctx) -> {
            ctx.progress(1234, 5000);
            reported.countDown();
            release.await();
            ctx.succeed(null, h -> { });
        }, "node-g");
        reported.await();
        assertThat(task(id).progress()).isEqualTo(new TaskProgress(1234, 5000));
        assertThat(task(id).status()).isEqualTo(TaskStatus.PROCESSING);
        release.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> task(id).status() == TaskStatus.SUCCESS);
    }

    @Test
    void closingThePoolHandsARunningTaskBack() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        UUID id = pending();
        TaskWorkerPool p = pool((task, ctx) -> {
            started.countDown();
            new CountDownLatch(1).await();
        }, "node-h");
        started.await();
        p.close();
        Task t = task(id);
        assertThat(t.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(t.attempts()).isZero();
    }

    @Test
    void theReaperRemovesOnlyExpiredTasks() {
        AtomicInteger runs = new AtomicInteger();
        UUID id = pending();
        UUID waiting = UUID.randomUUID();
        pool(succeeding(runs), "node-i");
        await().atMost(Duration.ofSeconds(20)).until(() -> task(id).status() == TaskStatus.SUCCESS);
        pools.forEach(TaskWorkerPool::close);
        pools.clear();
        Instant now = clock.instant();
        repo.insert(new Task(waiting, TaskType.IMPORT, TaskStatus.PENDING, "p1", null, null, "", now, now, null, null,
                null, null, null, 0));
        TaskReaper reaper = new TaskReaper(repo, clock, Duration.ofHours(1));
        assertThat(reaper.runOnce()).isZero();
        clock.advance(Duration.ofHours(48).plusSeconds(1));
        assertThat(reaper.runOnce()).isEqualTo(1);
        assertThat(repo.find(id)).isEmpty();
        assertThat(repo.find(waiting)).isPresent();
    }
}
