package dev.ferry.format.io;

import java.util.Objects;

/** A {@link ReadSource} over bytes in memory: small images built by tests and fuzzers. */
public final class ByteArrayReadSource implements ReadSource {
    private final byte[] data;

    public ByteArrayReadSource(byte[] data) {
        this.data = Objects.requireNonNull(data, "data");
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public int read(long position, byte[] buf, int off, int len) {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        if (position >= data.length) {
            return len == 0 ? 0 : -1;
        }
        int n = (int) Math.min(len, data.length - position);
        System.arraycopy(data, (int) position, buf, off, n);
        return n;
    }
}
