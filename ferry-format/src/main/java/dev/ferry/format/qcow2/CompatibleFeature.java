package dev.ferry.format.qcow2;

/** Bits of {@code compatible_features}: unknown ones may be ignored by any reader. */
public enum CompatibleFeature {
    LAZY_REFCOUNTS(0);

    private final int bit;

    CompatibleFeature(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public boolean isSet(long features) {
        return (features & (1L << bit)) != 0;
    }
}
