package dev.ferry.format;

import java.util.Locale;
import java.util.Optional;

/** The disk formats Ferry recognises, named as Glance's {@code disk_format} values. */
public enum DiskFormat {
    RAW("raw"),
    QCOW2("qcow2"),
    VHD("vhd"),
    VHDX("vhdx"),
    VMDK("vmdk"),
    VDI("vdi"),
    ISO("iso"),
    /** Detected so that it is never mistaken for raw; always refused. */
    QED("qed");

    private final String glanceName;

    DiskFormat(String glanceName) {
        this.glanceName = glanceName;
    }

    /** The lower-case name used by Glance ({@code disk_format}) and by the manifest. */
    public String glanceName() {
        return glanceName;
    }

    /** Parses a Glance name ("qcow2"); qemu's alias "vpc" means VHD. */
    public static Optional<DiskFormat> fromName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("vpc")) {
            return Optional.of(VHD);
        }
        for (DiskFormat f : values()) {
            if (f.glanceName.equals(n)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return glanceName;
    }
}
