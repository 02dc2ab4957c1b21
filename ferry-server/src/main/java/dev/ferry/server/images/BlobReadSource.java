package dev.ferry.server.images;

import dev.ferry.format.io.FileReadSource;
import dev.ferry.format.io.ReadSource;
import dev.ferry.server.stores.BlobStore;
import dev.ferry.server.stores.FileStore;
import java.io.IOException;
import java.io.InputStream;

/**
 * Random-access reads of a stored blob, for inspection after an upload. A {@link FileStore} blob
 * is read in place; for other stores reads go through a stream that is reopened only when a read
 * goes backwards (inspection reads mostly forwards, a few headers and tables).
 */
final class BlobReadSource implements ReadSource {

    private final BlobStore store;
    private final String key;
    private final long size;
    private InputStream in;
    private long position;

    private BlobReadSource(BlobStore store, String key, long size) {
        this.store = store;
        this.key = key;
        this.size = size;
    }

    static ReadSource open(BlobStore store, String key) throws IOException {
        if (store instanceof FileStore files) {
            return FileReadSource.open(files.path(key));
        }
        return new BlobReadSource(store, key, store.size(key));
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long at, byte[] buf, int off, int len) throws IOException {
        if (at < 0 || off < 0 || len < 0 || off + len > buf.length) {
            throw new IllegalArgumentException("bad read: position=" + at + " off=" + off + " len=" + len);
        }
        if (at >= size) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        if (in == null || at < position) {
            close();
            in = store.get(key);
            position = 0;
        }
        in.skipNBytes(at - position);
        position = at;
        int n = in.read(buf, off, (int) Math.min(len, size - at));
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            InputStream s = in;
            in = null;
            s.close();
        }
    }
}
