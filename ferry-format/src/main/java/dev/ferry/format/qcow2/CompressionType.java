package dev.ferry.format.qcow2;

import java.util.Optional;

/** The v3 header's {@code compression_type} byte: how compressed clusters are encoded. */
public enum CompressionType {
    /** Raw deflate (no zlib header), qemu writes it with a 4 KiB window. */
    ZLIB(0),
    /** Each compressed cluster is one zstd frame. */
    ZSTD(1);

    private final int code;

    CompressionType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<CompressionType> of(int code) {
        for (CompressionType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
