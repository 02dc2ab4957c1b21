package dev.ferry.format.vmdk;

import java.util.Locale;
import java.util.Objects;

/**
 * One extent line of a descriptor: {@code ACCESS SECTORS TYPE ["FILE" [OFFSET]]}, e.g.
 * {@code RW 20480 SPARSE "disk.vmdk"}.
 *
 * @param fileName the quoted file name, or null (ZERO extents have none)
 * @param offset   the sector offset into a FLAT file, or 0
 */
public record ExtentDescriptor(String access, long sectors, String type, String fileName, long offset) {
    public ExtentDescriptor {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(type, "type");
        if (sectors < 0 || offset < 0) {
            throw new IllegalArgumentException("negative sectors or offset");
        }
        access = access.toUpperCase(Locale.ROOT);
        type = type.toUpperCase(Locale.ROOT);
    }

    public boolean sparse() {
        return type.equals("SPARSE");
    }

    /** A file name that is a path (or a protocol) rather than a plain name next to the descriptor. */
    public boolean namesPath() {
        return fileName != null && (fileName.indexOf('/') >= 0 || fileName.indexOf('\\') >= 0
                || fileName.indexOf(':') >= 0 || fileName.startsWith("."));
    }
}
