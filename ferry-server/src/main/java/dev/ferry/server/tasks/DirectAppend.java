package dev.ferry.server.tasks;

import dev.ferry.format.io.DirectWrites;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Appends a download to a file with O_DIRECT: bytes are gathered in one aligned buffer and written
 * in whole blocks past the page cache; {@link #finish()} writes the last partial block through the
 * ordinary channel. A downloaded blob is stored as it is and not read again soon, so copying it
 * into the page cache (on this kind of VM, touching fresh guest pages is expensive) and syncing it
 * later is work for nothing. One appending thread.
 */
final class DirectAppend implements Closeable {

    /** Bytes gathered before a direct write (a multiple of any block size used). */
    static final int BUFFER = 1 << 20;

    private final DirectWrites.Channel direct;
    private final FileChannel buffered;
    private final ByteBuffer buf = DirectWrites.alignedBuffer(BUFFER);
    /** Bytes in the file so far. */
    private long flushed;

    private DirectAppend(DirectWrites.Channel direct, FileChannel buffered) {
        this.direct = direct;
        this.buffered = buffered;
    }

    /**
     * Opens {@code file} (empty, open as {@code buffered}) for direct appends; null where the file
     * system refuses O_DIRECT (tmpfs).
     */
    static DirectAppend open(Path file, FileChannel buffered) {
        Objects.requireNonNull(buffered, "buffered");
        return DirectWrites.open(file).map(direct -> new DirectAppend(direct, buffered)).orElse(null);
    }

    void append(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            int k = Math.min(len, buf.remaining());
            buf.put(b, off, k);
            off += k;
            len -= k;
            if (!buf.hasRemaining()) {
                writeDirect();
            }
        }
    }

    /** Writes what is gathered: whole blocks directly, the last partial one through the page cache. */
    void finish() throws IOException {
        int end = buf.position();
        ByteBuffer data = buf.duplicate().flip();
        data.limit(end / direct.block() * direct.block());
        while (data.hasRemaining()) {
            flushed += direct.channel().write(data, flushed);
        }
        data.limit(end);
        while (data.hasRemaining()) {
            flushed += buffered.write(data, flushed);
        }
        buf.clear();
    }

    private void writeDirect() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            flushed += direct.channel().write(buf, flushed);
        }
        buf.clear();
    }

    @Override
    public void close() throws IOException {
        direct.channel().close();
    }
}
