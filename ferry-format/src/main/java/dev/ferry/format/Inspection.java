package dev.ferry.format;

import java.util.Objects;

/**
 * What inspection found out about one image.
 *
 * @param format          the detected format, or the claimed one when the content is no known format
 *                        (e.g. garbage claimed as VHD is reported as VHD with code 396)
 * @param subformat       a format-specific variant ("fixed", "dynamic", "streamOptimized", "gpt"...), or null
 * @param virtualSize     the virtual disk size as the format's spec defines it (VHD: the footer's
 *                        current size); -1 when it could not be read
 * @param qemuVirtualSize the size qemu-img 7.2 would report (VHD: CHS-derived for some creators;
 *                        raw: rounded up to 512); -1 when unknown or qemu would refuse the file
 * @param fileSize        the image file's length in bytes
 * @param rejection       why the image is refused, or null when it is accepted
 */
public record Inspection(DiskFormat format, String subformat, long virtualSize, long qemuVirtualSize,
                         long fileSize, Finding rejection) {
    public Inspection {
        Objects.requireNonNull(format, "format");
        if (virtualSize < -1 || qemuVirtualSize < -1 || fileSize < 0) {
            throw new IllegalArgumentException("bad sizes: " + virtualSize + ", " + qemuVirtualSize + ", " + fileSize);
        }
    }

    public static Inspection accept(DiskFormat format, String subformat, long virtualSize, long qemuVirtualSize, long fileSize) {
        return new Inspection(format, subformat, virtualSize, qemuVirtualSize, fileSize, null);
    }

    public static Inspection reject(DiskFormat format, String subformat, long virtualSize, long fileSize, Finding why) {
        return new Inspection(format, subformat, virtualSize, -1, fileSize, Objects.requireNonNull(why, "why"));
    }

    public Verdict verdict() {
        return rejection == null ? Verdict.ACCEPT : Verdict.REJECT;
    }

    public boolean accepted() {
        return rejection == null;
    }

    /** A copy with a different rejection (used when a later rule overrides a format's own verdict). */
    public Inspection withRejection(Finding why) {
        return new Inspection(format, subformat, virtualSize, why == null ? qemuVirtualSize : -1, fileSize, why);
    }
}
