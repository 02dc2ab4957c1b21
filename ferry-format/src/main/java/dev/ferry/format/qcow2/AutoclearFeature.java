package dev.ferry.format.qcow2;

/** Bits of {@code autoclear_features}: a writer that does not know a bit clears it; readers may ignore them. */
public enum AutoclearFeature {
    /** The bitmaps extension is consistent. */
    BITMAPS(0),
    /** The external data file is a raw image (only meaningful with the external data file bit). */
    RAW_EXTERNAL_DATA(1);

    private final int bit;

    AutoclearFeature(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public boolean isSet(long features) {
        return (features & (1L << bit)) != 0;
    }
}
