package dev.ferry.format.vhd;

/** The footer's disk type field. Only FIXED and DYNAMIC are importable; DIFFERENCING has a parent. */
public enum DiskType {
    NONE(0),
    RESERVED_1(1),
    FIXED(2),
    DYNAMIC(3),
    DIFFERENCING(4),
    RESERVED_5(5),
    RESERVED_6(6);

    private final int code;

    DiskType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a footer value, or null when the value is none of the spec's. */
    public static DiskType of(int code) {
        for (DiskType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** Dynamic and differencing disks have a dynamic header, a BAT and a footer copy at offset 0. */
    public boolean isSparse() {
        return this == DYNAMIC || this == DIFFERENCING;
    }
}
