package dev.ferry.format.raw;

import dev.ferry.format.convert.Extent;
import dev.ferry.format.convert.ExtentCursor;
import dev.ferry.format.convert.VirtualDisk;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/** A raw image (or ISO) as a virtual disk: the file's bytes, one data extent. */
public final class RawReader implements VirtualDisk {
    private final ReadSource source;
    private final long size;

    private RawReader(ReadSource source, long size) {
        this.source = source;
        this.size = size;
    }

    public static RawReader open(ReadSource source) throws IOException {
        Objects.requireNonNull(source, "source");
        return new RawReader(source, source.size());
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public ExtentCursor extents() {
        boolean[] given = {size == 0};
        return () -> {
            if (given[0]) {
                return null;
            }
            given[0] = true;
            return new Extent(0, size, Extent.Kind.DATA);
        };
    }

    @Override
    public void read(long position, byte[] buf, int off, int len) throws IOException {
        if (position < 0 || len < 0 || position + len > size) {
            throw new IllegalArgumentException("read of " + len + " at " + position + " outside a disk of " + size);
        }
        source.readFully(position, buf, off, len);
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        if (position < 0 || position + dst.remaining() > size) {
            throw new IllegalArgumentException("read of " + dst.remaining() + " at " + position + " outside a disk of " + size);
        }
        source.readFully(position, dst);
    }
}
