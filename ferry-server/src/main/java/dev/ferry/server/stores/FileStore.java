package dev.ferry.server.stores;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * A {@link BlobStore} on a local (or shared) directory: one file per key.
 *
 * <p>A put writes to a temporary file in the same directory (name starting with
 * {@value #TEMP_PREFIX}, which no key can), fsyncs it, renames it atomically over the key's file,
 * then fsyncs the directory. Readers therefore see either the old blob or the complete new one,
 * and after a crash either nothing or the complete blob, plus at most a temporary file that
 * {@link #sweepTemporaryFiles(Duration)} removes.
 */
public final class FileStore implements BlobStore {

    /** Prefix of in-progress files; starts with a dot, which keys may not. */
    public static final String TEMP_PREFIX = ".tmp-";
    /** Longest key; leaves room for the temporary prefix and suffix within a 255-byte file name. */
    public static final int MAX_KEY_LENGTH = 200;

    private static final int BUFFER_SIZE = 1 << 20;

    private final Path root;
    private final Clock clock;
    /** Temporary files of this process's running puts: never swept, whatever their age. */
    private final java.util.Set<Path> inProgress = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public FileStore(Path root) throws IOException {
        this(root, Clock.systemUTC());
    }

    public FileStore(Path root, Clock clock) throws IOException {
        this.root = Files.createDirectories(Objects.requireNonNull(root, "root")).toRealPath();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Path root() {
        return root;
    }

    /**
     * Checks a key: 1 to {@value #MAX_KEY_LENGTH} characters from {@code [A-Za-z0-9._-]}, not
     * starting with a dot. So a key is always a plain file name directly under the root: no
     * separator, no {@code ..}, no hidden or temporary name.
     */
    public static String validateKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("blob key must not be empty");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("blob key longer than " + MAX_KEY_LENGTH + " characters");
        }
        if (key.charAt(0) == '.') {
            throw new IllegalArgumentException("blob key must not start with a dot: " + key);
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("blob key may only contain A-Z a-z 0-9 . _ - (character " + i + ")");
            }
        }
        return key;
    }

    @Override
    public StoredBlob put(String key, InputStream data) throws IOException {
        Path target = pathOf(key);
        Objects.requireNonNull(data, "data");
        Path temp = root.resolve(TEMP_PREFIX + key + "-" + UUID.randomUUID());
        inProgress.add(temp);
        boolean done = false;
        try {
            long size = 0;
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[BUFFER_SIZE];
                int n;
                while ((n = data.read(buffer)) >= 0) {
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                    size += n;
                }
                out.force(true);
            }
            StoredBlob blob = commit(key, temp, target, size);
            done = true;
            return blob;
        } finally {
            try {
                if (!done) {
                    Files.deleteIfExists(temp);
                }
            } finally {
                inProgress.remove(temp);
            }
        }
    }

    /**
     * Moves {@code file} into the store: fsync, rename to a temporary name in the root (a copy if
     * it is on another file system), then the same atomic rename as {@link #put}.
     */
    @Override
    public StoredBlob putFile(String key, Path file) throws IOException {
        Path target = pathOf(key);
        Path temp = root.resolve(TEMP_PREFIX + key + "-" + UUID.randomUUID());
        inProgress.add(temp);
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(file, temp);
            long size = Files.size(temp);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true); // a no-op after a rename; needed after a cross-file-system copy
            }
            StoredBlob blob = commit(key, temp, target, size);
            done = true;
            return blob;
        } finally {
            try {
                if (!done) {
                    Files.deleteIfExists(temp);
                }
            } finally {
                inProgress.remove(temp);
            }
        }
    }

    /** The last step of every put: an atomic rename of the synced temporary file, then the directory. */
    private StoredBlob commit(String key, Path temp, Path target, long size) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("file store root " + root + " does not support atomic rename", e);
        }
        syncDirectory();
        return new StoredBlob(key, target.toUri().toString(), size);
    }

    @Override
    public InputStream get(String key) throws IOException {
        try {
            return Files.newInputStream(pathOf(key));
        } catch (NoSuchFileException e) {
            throw new NoSuchBlobException(key);
        }
    }

    @Override
    public long size(String key) throws IOException {
        try {
            return Files.size(pathOf(key));
        } catch (NoSuchFileException e) {
            throw new NoSuchBlobException(key);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        if (Files.deleteIfExists(pathOf(key))) {
            syncDirectory();
        }
    }

    /**
     * Removes temporary files left by puts that never finished (a crash, a kill -9) and that were
     * last modified at least {@code minAge} ago. Runs at startup and then periodically (see
     * {@code TaskReaper}); this process's own running puts are always kept, and on a directory
     * shared by several nodes the age must be longer than any put can stay silent, so that the
     * other nodes' live uploads are kept too.
     *
     * @return how many files were removed
     */
    public int sweepTemporaryFiles(Duration minAge) throws IOException {
        FileTime cutoff = FileTime.from(clock.instant().minus(minAge));
        int removed = 0;
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(root, TEMP_PREFIX + "*")) {
            for (Path temp : temps) {
                try {
                    if (!inProgress.contains(temp) && Files.isRegularFile(temp)
                            && Files.getLastModifiedTime(temp).compareTo(cutoff) <= 0 && Files.deleteIfExists(temp)) {
                        removed++;
                    }
                } catch (NoSuchFileException e) {
                    // removed concurrently: fine
                }
            }
        }
        return removed;
    }

    /** Removes every temporary file; only safe when no put is running (single node, at startup). */
    public int sweepTemporaryFiles() throws IOException {
        return sweepTemporaryFiles(Duration.ZERO);
    }

    /** Where the blob under {@code key} lives (for random-access reads such as inspection). */
    public Path path(String key) {
        return pathOf(key);
    }

    private Path pathOf(String key) {
        Path p = root.resolve(validateKey(key));
        if (!root.equals(p.getParent())) {
            throw new IllegalArgumentException("blob key escapes the store: " + key); // unreachable by validation
        }
        return p;
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(root, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some file systems cannot fsync a directory. The rename is done and atomic; failing
            // the put now would report an error for a blob that exists.
        }
    }
}
