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
import java.util.UUID;

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

    public StagingArea(Path dir, Clock clock) throws IOException {
        this.dir = Files.createDirectories(Objects.requireNonNull(dir, "dir")).toRealPath();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Path dir() {
        return dir;
    }

    /** A fresh path for one file of a task attempt ({@code role}: "source", "output"). */
    Path newFile(Task task, String role) {
        return dir.resolve("task-" + task.id() + "-" + task.attempts() + "-" + role + "-" + UUID.randomUUID() + SUFFIX);
    }

    /**
     * Removes the staging files of the task's earlier attempts (a node killed mid-import, whose
     * task was claimed again here, e.g. after a restart).
     *
     * @return how many files were removed
     */
    int removeEarlierAttempts(Task task) throws IOException {
        int removed = 0;
        for (int attempt = 1; attempt < task.attempts(); attempt++) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                    "task-" + task.id() + "-" + attempt + "-*" + SUFFIX)) {
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
     * Removes staging files last modified at least {@code minAge} ago. At startup of a node that
     * has the directory to itself, {@link Duration#ZERO} is right.
     *
     * @return how many files were removed
     */
    public int sweep(Duration minAge) throws IOException {
        FileTime cutoff = FileTime.from(clock.instant().minus(minAge));
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "task-*" + SUFFIX)) {
            for (Path f : files) {
                try {
                    if (Files.isRegularFile(f) && Files.getLastModifiedTime(f).compareTo(cutoff) <= 0
                            && Files.deleteIfExists(f)) {
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
