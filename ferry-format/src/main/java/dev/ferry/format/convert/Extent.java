package dev.ferry.format.convert;

import java.util.Objects;

/**
 * A run of virtual bytes that a source image describes: {@link Kind#DATA} has stored bytes (which
 * may still be zero), {@link Kind#ZERO} is declared to read as zeros. Ranges a disk does not list
 * are unallocated and read as zeros too.
 */
public record Extent(long offset, long length, Kind kind) {
    public enum Kind { DATA, ZERO }

    public Extent {
        Objects.requireNonNull(kind, "kind");
        if (offset < 0 || length <= 0 || offset + length < 0) {
            throw new IllegalArgumentException("bad extent: offset=" + offset + " length=" + length);
        }
    }

    public long end() {
        return offset + length;
    }
}
