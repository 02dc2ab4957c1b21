package dev.ferry.format;

/**
 * Size limits applied by inspection. {@code Long.MAX_VALUE} means no limit.
 *
 * @param maxVirtualSize largest accepted virtual disk size in bytes
 * @param maxFileSize    largest accepted image file (physical) size in bytes
 */
public record Limits(long maxVirtualSize, long maxFileSize) {
    /** Rackspace Cloud Images: 40 GB virtual and physical (read as 40 GiB; see docs). */
    public static final long RACKSPACE_40GB = 40L * 1024 * 1024 * 1024;

    public static final Limits NONE = new Limits(Long.MAX_VALUE, Long.MAX_VALUE);
    public static final Limits RACKSPACE = new Limits(RACKSPACE_40GB, RACKSPACE_40GB);

    public Limits {
        if (maxVirtualSize <= 0 || maxFileSize <= 0) {
            throw new IllegalArgumentException("limits must be positive: " + maxVirtualSize + ", " + maxFileSize);
        }
    }
}
