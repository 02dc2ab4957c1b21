package dev.ferry.format.vmdk;

import java.util.Objects;

/**
 * A VMDK that passed {@link VmdkInspector#validate}: one monolithicSparse or streamOptimized
 * extent, its grain directory and tables inside the file and clear of each other, every grain (or
 * grain marker) inside the file and outside the metadata, no reference to another file.
 *
 * @param header     the header at sector 0
 * @param tables     where the grain directory is: the footer for GD_AT_END streams, else the header
 * @param descriptor the embedded descriptor
 * @param fileSize   the length of the file the checks were made against
 */
public record VmdkImage(SparseExtentHeader header, SparseExtentHeader tables, Descriptor descriptor, long fileSize) {
    public VmdkImage {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(tables, "tables");
        Objects.requireNonNull(descriptor, "descriptor");
        if (fileSize < 0) {
            throw new IllegalArgumentException("fileSize " + fileSize);
        }
    }

    public String createType() {
        return descriptor.createType();
    }

    public boolean streamOptimized() {
        return header.hasMarkers();
    }

    public long virtualSize() {
        return header.capacity() * 512;
    }
}
