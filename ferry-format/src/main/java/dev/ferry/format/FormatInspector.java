package dev.ferry.format;

import dev.ferry.format.io.ReadSource;
import java.io.IOException;

/**
 * One format's detection and validation. Implementations live in the format's package
 * ({@code dev.ferry.format.qcow2.Qcow2Inspector}, ...) and are stateless.
 *
 * <p>Contract, for every byte string: {@link #probe} and {@link #inspect} return normally or throw
 * {@link IOException} only for I/O failures of the source itself; malformed content is a
 * rejection ({@link Inspection#rejection()}), never another exception. They read metadata only
 * (cost independent of the amount of data in the image) and allocate memory bounded by
 * constants, not by values read from the image.
 */
public interface FormatInspector {

    DiskFormat format();

    /**
     * True when the source carries this format's signature (magic at its fixed place). Cheap:
     * a few small reads. A true probe does not mean the image is valid.
     */
    boolean probe(ReadSource source) throws IOException;

    /**
     * Full validation of a source that {@link #probe} accepted (or that was claimed to be this
     * format): header, tables, references out of the image, limits.
     */
    Inspection inspect(ReadSource source, Limits limits) throws IOException;
}
