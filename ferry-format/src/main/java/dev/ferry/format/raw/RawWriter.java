package dev.ferry.format.raw;

import dev.ferry.format.convert.DiskWriter;
import dev.ferry.format.convert.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Writes a raw image: data at its virtual offset, zero ranges left as holes, and the file set to
 * the exact virtual size (sparse wherever the filesystem allows).
 */
public final class RawWriter implements DiskWriter {
    private final Sink sink;
    private final long size;
    private long next;

    /** Sets the file to its final length at once: writes then never extend it (cheaper on ext4). */
    public RawWriter(Sink sink, long virtualSize) throws IOException {
        this.sink = Objects.requireNonNull(sink, "sink");
        if (virtualSize < 0) {
            throw new IllegalArgumentException("virtual size " + virtualSize);
        }
        this.size = virtualSize;
        sink.setLength(virtualSize);
    }

    @Override
    public long virtualSize() {
        return size;
    }

    @Override
    public void write(long offset, byte[] buf, int off, int len) throws IOException {
        if (offset < next || offset + len > size) {
            throw new IllegalArgumentException("write of " + len + " at " + offset + " out of order or past " + size);
        }
        sink.write(offset, buf, off, len);
        next = offset + len;
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        int len = src.remaining();
        if (offset < next || offset + len > size) {
            throw new IllegalArgumentException("write of " + len + " at " + offset + " out of order or past " + size);
        }
        sink.write(offset, src);
        next = offset + len;
    }

    @Override
    public void finish() throws IOException {
        sink.setLength(size);
    }
}
