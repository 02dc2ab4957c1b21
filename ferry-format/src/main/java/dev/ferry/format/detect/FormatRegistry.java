package dev.ferry.format.detect;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.iso.IsoInspector;
import dev.ferry.format.qcow2.Qcow2Inspector;
import dev.ferry.format.qed.QedInspector;
import dev.ferry.format.raw.RawInspector;
import dev.ferry.format.vdi.VdiInspector;
import dev.ferry.format.vhd.VhdInspector;
import dev.ferry.format.vhdx.VhdxInspector;
import dev.ferry.format.vmdk.VmdkInspector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The format inspectors the detector knows, one per {@link DiskFormat}, in probe order (the order
 * also decides which format a MULTIPLE_FORMATS rejection is reported as when nothing was claimed).
 */
public final class FormatRegistry {
    private final Map<DiskFormat, FormatInspector> byFormat;

    public FormatRegistry(List<? extends FormatInspector> inspectors) {
        Map<DiskFormat, FormatInspector> m = new EnumMap<>(DiskFormat.class);
        for (FormatInspector i : inspectors) {
            Objects.requireNonNull(i, "inspector");
            if (m.put(i.format(), i) != null) {
                throw new IllegalArgumentException("two inspectors for " + i.format());
            }
        }
        if (!m.containsKey(DiskFormat.RAW)) {
            throw new IllegalArgumentException("the raw inspector is required (it is the fallback)");
        }
        this.byFormat = Collections.unmodifiableMap(m);
    }

    /** Every format Ferry implements. */
    public static FormatRegistry standard() {
        return new FormatRegistry(List.of(new RawInspector(), new Qcow2Inspector(), new QedInspector(), new VmdkInspector(),
                new VhdxInspector(), new VdiInspector(), new VhdInspector(), new IsoInspector()));
    }

    public Optional<FormatInspector> get(DiskFormat format) {
        return Optional.ofNullable(byFormat.get(format));
    }

    /** The inspectors of every format but raw (which has no signature), in probe order. */
    public List<FormatInspector> signed() {
        List<FormatInspector> out = new ArrayList<>();
        for (DiskFormat f : PROBE_ORDER) {
            FormatInspector i = byFormat.get(f);
            if (i != null) {
                out.add(i);
            }
        }
        return out;
    }

    public boolean supports(DiskFormat format) {
        return byFormat.containsKey(format);
    }

    static final List<DiskFormat> PROBE_ORDER = List.of(DiskFormat.QCOW2, DiskFormat.QED, DiskFormat.VMDK, DiskFormat.VHDX,
            DiskFormat.VDI, DiskFormat.VHD, DiskFormat.ISO);
}
