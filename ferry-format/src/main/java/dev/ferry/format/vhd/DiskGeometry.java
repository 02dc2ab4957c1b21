package dev.ferry.format.vhd;

/**
 * The footer's CHS geometry (cylinders, heads, sectors per track). {@link #forTotalSectors} is the
 * VHD spec's algorithm (rounds down); {@link #qemuRoundedUp} is qemu-img's variant that grows the
 * disk until the geometry covers it, for a writer that must match qemu's output.
 */
public record DiskGeometry(int cylinders, int heads, int sectorsPerTrack) {
    /** The largest geometry the footer can hold; qemu then uses current_size instead of CHS. */
    public static final DiskGeometry MAXIMUM = new DiskGeometry(65535, 16, 255);
    /** 65535 * 16 * 255 sectors (~127 GiB): the geometry is pinned above this. */
    public static final long MAX_CHS_SECTORS = 65535L * 16 * 255;

    public DiskGeometry {
        if (cylinders < 0 || cylinders > 0xFFFF || heads < 0 || heads > 0xFF || sectorsPerTrack < 0 || sectorsPerTrack > 0xFF) {
            throw new IllegalArgumentException("geometry out of range: " + cylinders + "/" + heads + "/" + sectorsPerTrack);
        }
    }

    /** The spec's CHS algorithm ("CHS calculation" in the VHD specification appendix). */
    public static DiskGeometry forTotalSectors(long totalSectors) {
        if (totalSectors < 0) {
            throw new IllegalArgumentException("negative sector count " + totalSectors);
        }
        long ts = Math.min(totalSectors, MAX_CHS_SECTORS);
        long spt;
        long heads;
        long cth;
        if (ts >= 65535L * 16 * 63) {
            spt = 255;
            heads = 16;
            cth = ts / spt;
        } else {
            spt = 17;
            cth = ts / spt;
            heads = Math.max(4, (cth + 1023) / 1024);
            if (cth >= heads * 1024 || heads > 16) {
                spt = 31;
                heads = 16;
                cth = ts / spt;
            }
            if (cth >= heads * 1024) {
                spt = 63;
                heads = 16;
                cth = ts / spt;
            }
        }
        return new DiskGeometry((int) (cth / heads), (int) heads, (int) spt);
    }

    /**
     * qemu-img's geometry for a new disk of {@code totalSectors}: the spec algorithm applied to
     * ts, ts+1, ... until C*H*S covers ts (qemu then stores C*H*S*512 as the size). Bounded: the
     * spec geometry of ts+k grows with k, and above the pinned maximum it returns {@link #MAXIMUM}.
     */
    public static DiskGeometry qemuRoundedUp(long totalSectors) {
        if (totalSectors >= MAX_CHS_SECTORS) {
            return MAXIMUM;
        }
        // The rounding gap is below one track per head group (< 16 * 255 sectors), so this ends.
        for (long ts = totalSectors; ts < totalSectors + 65536; ts++) {
            DiskGeometry g = forTotalSectors(ts);
            if (g.totalSectors() >= totalSectors) {
                return g;
            }
        }
        return MAXIMUM;
    }

    public long totalSectors() {
        return (long) cylinders * heads * sectorsPerTrack;
    }

    /** C*H*S*512: the size qemu reports for most creators. */
    public long bytes() {
        return totalSectors() * 512;
    }

    public boolean isMaximum() {
        return equals(MAXIMUM);
    }

    @Override
    public String toString() {
        return cylinders + "/" + heads + "/" + sectorsPerTrack;
    }
}
