package dev.ferry.server.stores;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where image data is kept. Keys are chosen by the server (image ids and suffixes), never by users,
 * but implementations still validate them: see {@link FileStore#validateKey(String)}.
 */
public interface BlobStore {

    /**
     * Stores everything {@code data} yields under {@code key}, replacing any blob with that key.
     * Streams: memory use does not depend on the blob's size. The blob becomes visible only once
     * complete and durable; if this throws, nothing new is left behind (a previous blob under the
     * same key stays as it was). Does not close {@code data}.
     */
    StoredBlob put(String key, InputStream data) throws IOException;

    /**
     * Stores the content of a local {@code file} under {@code key}, as {@link #put}; the file may
     * have been moved into the store afterwards (the caller removes it if it is still there).
     */
    default StoredBlob putFile(String key, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return put(key, in);
        }
    }

    /** Opens the blob for reading; the caller closes the stream. */
    InputStream get(String key) throws IOException;

    /** The blob's size in bytes. */
    long size(String key) throws IOException;

    /** Removes the blob; removing an absent key does nothing. */
    void delete(String key) throws IOException;
}
