package dev.ferry.server.tasks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local directory where imports keep a source or a conversion output while they need random
 * access to it ({@code <server.data_dir>/staging}). Every file is named after its task and
 * removed by the job in a {@code finally}; {@link #sweep(Duration)} removes what a killed node
 * left behind.
 */
public final class StagingArea {

    /** Suffix of every staging file; nothing else in the directory is ever removed. */
    static final String SUFFIX = ".part";

    private final Path dir;
    private final Clock clock;
    /**
     * Files handed out by {@link #newFile} and not yet {@link #release released}: a running job may
     * read a file for long without writing it (inspection, conversion, upload), so its age says
     * nothing; the periodic sweep keeps these whatever their age.
     */
    private final Set<Path> inUse = ConcurrentHashMap.newKeySet();

    public StagingArea(Path dir, Clock clock) throws IOException {
        this.dir = Files.createDirectories(Objects.requireNonNull(dir, "dir")).toRealPath();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Path dir() {
        return dir;
    }

    /** A fresh path for one file of a task attempt ({@code role}: "source", "output"). */
    Path newFile(Task task, String role) {
        Path file = dir.resolve("task-" + task.id() + "-" + task.attempts() + "-" + role + "-" + UUID.randomUUID() + SUFFIX);
        inUse.add(file);
        return file;
    }

    /** Deletes a file from {@link #newFile} (if it still exists) and lets the sweep forget it. */
    void release(Path file) throws IOException {
        try {
            Files.deleteIfExists(file);
        } finally {
            inUse.remove(file);
        }
    }

    /**
     * Removes the staging files of the task's earlier attempts (a node killed mid-import, whose
     * task was claimed again here, e.g. after a restart).
     *
     * @return how many files were removed
     */
    int removeEarlierAttempts(Task task) throws IOException {
        return removeAttempts(task.id(), task.attempts() - 1);
    }

    /**
     * Removes the staging files of attempts 1..{@code lastAttempt} of a task (bounded by the
     * configured maximum of attempts).
     *
     * @return how many files were removed
     */
    int removeAttempts(UUID taskId, int lastAttempt) throws IOException {
        int removed = 0;
        for (int attempt = 1; attempt <= lastAttempt; attempt++) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                    "task-" + taskId + "-" + attempt + "-*" + SUFFIX)) {
                for (Path f : files) {
                    if (Files.deleteIfExists(f)) {
                        removed++;
                    }
                }
            }
        }
        return removed;
    }

    /**
     * Removes staging files last modified at least {@code minAge} ago and not in use by a job of
     * this process. Runs at startup and then periodically (see {@code TaskReaper}).
     *
     * @return how many files were removed
     */
    public int sweep(Duration minAge) throws IOException {
        FileTime cutoff = FileTime.from(clock.instant().minus(minAge));
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "task-*" + SUFFIX)) {
            for (Path f : files) {
                try {
                    if (!inUse.contains(f) && Files.isRegularFile(f)
                            && Files.getLastModifiedTime(f).compareTo(cutoff) <= 0 && Files.deleteIfExists(f)) {
                        removed++;
                    }
                } catch (NoSuchFileException e) {
                    // removed concurrently
                }
            }
        }
        return removed;
    }
}
