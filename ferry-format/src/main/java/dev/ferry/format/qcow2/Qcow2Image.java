package dev.ferry.format.qcow2;

import java.util.List;
import java.util.Objects;

/**
 * A qcow2 image that passed {@link Qcow2Inspector#validate}: every table it references lies inside
 * the file, no data cluster overlaps metadata, and nothing points out of the image. A converter
 * starts from this and reads the active L1/L2 tables with {@link L1Entry} / {@link L2Entry}.
 *
 * @param header     the validated header
 * @param extensions the header extensions, in file order (none of them a backing, data-file or
 *                   encryption extension)
 * @param fileSize   the length of the file the checks were made against
 */
public record Qcow2Image(Header header, List<HeaderExtension> extensions, long fileSize) {
    public Qcow2Image {
        Objects.requireNonNull(header, "header");
        extensions = List.copyOf(extensions);
        if (fileSize < 0) {
            throw new IllegalArgumentException("fileSize " + fileSize);
        }
    }
}
