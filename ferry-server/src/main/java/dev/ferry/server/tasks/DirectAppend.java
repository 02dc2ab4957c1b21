package dev.ferry.server.tasks;

import com.sun.nio.file.ExtendedOpenOption;
import dev.ferry.format.convert.Sink;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    private final FileChannel direct;
    private final FileChannel buffered;
    private final ByteBuffer buf = Sink.alignedDirect(BUFFER);
    private final int block;
    /** Bytes in the file so far. */
    private long flushed;

    private DirectAppend(FileChannel direct, FileChannel buffered, int block) {
        this.direct = direct;
        this.buffered = buffered;
        this.block = block;
    }

    /**
     * Opens {@code file} (empty, open as {@code buffered}) for direct appends; null where the file
     * system refuses O_DIRECT (tmpfs) or its block size does not fit the buffer's alignment.
     */
    static DirectAppend open(Path file, FileChannel buffered) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(buffered, "buffered");
        long size = Files.getFileStore(file).getBlockSize();
        if (size < 512 || size > Sink.ALIGNMENT || Long.bitCount(size) != 1) {
            return null;
        }
        try {
            return new DirectAppend(FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT),
                    buffered, (int) size);
        } catch (UnsupportedOperationException | IOException e) {
            return null; // no O_DIRECT here: the caller uses the page cache
        }
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
        data.limit(end / block * block);
        while (data.hasRemaining()) {
            flushed += direct.write(data, flushed);
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
            flushed += direct.write(buf, flushed);
        }
        buf.clear();
    }

    @Override
    public void close() throws IOException {
        direct.close();
    }
}
