package dev.ferry.format.convert;

import java.util.Locale;
import java.util.Optional;

/** What {@code ferry convert --to FORMAT [--subformat ...]} can write. */
public enum TargetFormat {
    RAW("raw", null),
    QCOW2("qcow2", null),
    VHD_DYNAMIC("vhd", "dynamic"),
    VHD_FIXED("vhd", "fixed"),
    VMDK_STREAM_OPTIMIZED("vmdk", "streamOptimized");

    private final String format;
    private final String subformat;

    TargetFormat(String format, String subformat) {
        this.format = format;
        this.subformat = subformat;
    }

    /** The Glance disk_format name ("vhd"). */
    public String format() {
        return format;
    }

    /** The variant, or null when the format has one. */
    public String subformat() {
        return subformat;
    }

    /**
     * Parses a format name ("vpc" means vhd) and an optional subformat; the default VHD is
     * dynamic, VMDK is always streamOptimized. Empty when the pair names nothing Ferry writes.
     */
    public static Optional<TargetFormat> parse(String name, String sub) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        String s = sub == null ? null : sub.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "raw" -> s == null ? Optional.of(RAW) : Optional.empty();
            case "qcow2" -> s == null ? Optional.of(QCOW2) : Optional.empty();
            case "vhd", "vpc" -> s == null || s.equals("dynamic") ? Optional.of(VHD_DYNAMIC)
                    : s.equals("fixed") ? Optional.of(VHD_FIXED) : Optional.empty();
            case "vmdk" -> s == null || s.equals("streamoptimized") ? Optional.of(VMDK_STREAM_OPTIMIZED) : Optional.empty();
            default -> Optional.empty();
        };
    }

    @Override
    public String toString() {
        return subformat == null ? format : format + "/" + subformat;
    }
}
