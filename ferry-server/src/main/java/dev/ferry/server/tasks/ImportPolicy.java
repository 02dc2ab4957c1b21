package dev.ferry.server.tasks;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.VhdCode;
import dev.ferry.format.convert.TargetFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * What an import accepts and what it stores, per {@code import.profile}.
 *
 * <ul>
 * <li>{@link Profile#OPENSTACK}: any format the inspector accepts, no size limits beyond the
 *     download cap; the claimed {@code import_from_format} must match the bytes; the stored
 *     format is {@code image_properties.disk_format} when given, else {@code import.output_format}
 *     ({@code keep}: the detected format).</li>
 * <li>{@link Profile#RACKSPACE}: fixed or dynamic VHD only, 40 GB limits, only {@code name} in
 *     {@code image_properties}; stored as it is, as {@code vhd}/{@code ovf}, private.</li>
 * </ul>
 *
 * @param profile        the profile
 * @param outputFormat   {@code keep}, {@code raw}, {@code qcow2} or {@code vhd}
 * @param maxOutputBytes the largest raw output a conversion may write ({@code url.max_bytes}): a
 *                       tiny qcow2 may declare an exabyte, and raw materialises the virtual size
 */
public record ImportPolicy(Profile profile, String outputFormat, long maxOutputBytes) {

    /** The two named profiles of {@code import.profile}. */
    public enum Profile {
        OPENSTACK, RACKSPACE
    }

    public ImportPolicy {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(outputFormat, "outputFormat");
        if (!outputFormat.equals("keep") && TargetFormat.parse(outputFormat, null).isEmpty()) {
            throw new IllegalArgumentException("bad import.output_format: " + outputFormat);
        }
        if (maxOutputBytes < 1) {
            throw new IllegalArgumentException("maxOutputBytes must be positive: " + maxOutputBytes);
        }
    }

    /** From the configuration values ({@code openstack}/{@code rackspace}, output format). */
    public static ImportPolicy of(String profile, String outputFormat, long maxOutputBytes) {
        return new ImportPolicy(switch (profile) {
            case "openstack" -> Profile.OPENSTACK;
            case "rackspace" -> Profile.RACKSPACE;
            default -> throw new IllegalArgumentException("bad import.profile: " + profile);
        }, outputFormat, maxOutputBytes);
    }

    public Limits limits() {
        return profile == Profile.RACKSPACE ? Limits.RACKSPACE : Limits.NONE;
    }

    /** Refuses properties the profile does not allow (Rackspace: {@code name} only). */
    void checkProperties(ImageProperties props) throws JobFailedException {
        if (profile == Profile.RACKSPACE && (props.diskFormat() != null
                || props.containerFormat() != null || props.minRam() != 0 || props.minDisk() != 0
                || !props.extra().isEmpty())) {
            throw new JobFailedException("Only 'name' may be given in image_properties of a Rackspace import.");
        }
    }

    /**
     * The format the bytes are claimed to be in: Rackspace imports are always VHD; OpenStack's
     * {@code import_from_format} must name a format the inspector knows.
     */
    Optional<DiskFormat> claimed(String importFromFormat) throws JobFailedException {
        if (profile == Profile.RACKSPACE) {
            return Optional.of(DiskFormat.VHD);
        }
        if (importFromFormat == null) {
            return Optional.empty();
        }
        Optional<DiskFormat> f = DiskFormat.fromName(importFromFormat);
        if (f.isEmpty() || f.get() == DiskFormat.QED) {
            throw new JobFailedException("UNSUPPORTED_FORMAT: import_from_format '" + importFromFormat
                    + "' is not a format Ferry can import (raw, qcow2, vhd, vhdx, vmdk, vdi, iso).");
        }
        return f;
    }

    /** The failure message for a rejected inspection: the finding's "CODE: text", with the claim made plain. */
    String rejection(Inspection inspection, Optional<DiskFormat> claimed) {
        String finding = inspection.rejection().toString();
        String code = inspection.rejection().code();
        if (profile == Profile.OPENSTACK && claimed.isPresent()
                && (code.equals(Reason.FORMAT_MISMATCH) || code.equals(Reason.BAD_HEADER))) {
            return finding + " (the bytes do not match import_from_format '" + claimed.get().glanceName() + "')";
        }
        return finding;
    }

    /**
     * Checks an accepted inspection against the profile: Rackspace takes VHD fixed or dynamic
     * only (the inspector already applied 396 ... 111 to a claimed VHD).
     */
    void checkAccepted(Inspection inspection) throws JobFailedException {
        if (profile == Profile.RACKSPACE) {
            if (inspection.format() != DiskFormat.VHD) {
                throw new JobFailedException(VhdCode.NOT_A_VHD.finding().toString());
            }
            String sub = inspection.subformat();
            if (sub != null && !sub.equals("fixed") && !sub.equals("dynamic")) {
                throw new JobFailedException(VhdCode.NOT_FIXED_OR_DYNAMIC.finding("subformat " + sub).toString());
            }
        }
    }

    /**
     * The conversion to run, or empty to store the bytes as they are. {@code diskFormat} is the
     * requested {@code image_properties.disk_format} (null when not given).
     */
    Optional<TargetFormat> conversion(Inspection inspection, String diskFormat) throws JobFailedException {
        if (profile == Profile.RACKSPACE) {
            return Optional.empty();
        }
        String wanted = diskFormat != null ? diskFormat : outputFormat;
        if (wanted.equals("keep")) {
            return Optional.empty();
        }
        Optional<DiskFormat> wantedFormat = DiskFormat.fromName(wanted);
        if (wantedFormat.isEmpty()) {
            return Optional.empty(); // ami, aki, ari, ploop: labels Ferry does not interpret; bytes kept
        }
        DiskFormat detected = inspection.format();
        if (wantedFormat.get() == detected || (wantedFormat.get() == DiskFormat.RAW && detected == DiskFormat.ISO)
                || (wantedFormat.get() == DiskFormat.ISO && detected == DiskFormat.RAW)) {
            return Optional.empty();
        }
        Optional<TargetFormat> target = TargetFormat.parse(wanted, null);
        if (target.isEmpty()) {
            throw new JobFailedException("UNSUPPORTED_FORMAT: cannot convert " + detected.glanceName() + " to "
                    + wanted + "; Ferry writes raw, qcow2, vhd and vmdk.");
        }
        if (target.get() == TargetFormat.RAW && inspection.virtualSize() > maxOutputBytes) {
            throw new JobFailedException("VIRTUAL_SIZE_LIMIT: converting to raw would store the virtual size of "
                    + inspection.virtualSize() + " bytes, more than the limit of " + maxOutputBytes + " bytes (url.max_bytes)");
        }
        return target;
    }

    /** The failure for a source of (at least) {@code size} bytes, more than the file size limit. */
    String fileTooLarge(long size) {
        String detail = "the source is at least " + size + " bytes > limit " + limits().maxFileSize();
        if (profile == Profile.RACKSPACE) {
            return VhdCode.PHYSICAL_SIZE.finding(detail).toString();
        }
        return "FILE_SIZE_LIMIT: " + detail;
    }

    /**
     * True when a conversion is certain before the bytes are seen: the claimed format is known
     * (it must match the bytes) and the requested format is another one.
     */
    boolean conversionExpected(Optional<DiskFormat> claimed, String diskFormat) {
        if (profile == Profile.RACKSPACE || claimed.isEmpty()) {
            return false;
        }
        String wanted = diskFormat != null ? diskFormat : outputFormat;
        Optional<DiskFormat> w = DiskFormat.fromName(wanted);
        if (w.isEmpty() || TargetFormat.parse(wanted, null).isEmpty()) {
            return false;
        }
        DiskFormat c = claimed.get();
        return w.get() != c && !(c == DiskFormat.ISO && w.get() == DiskFormat.RAW);
    }

    /** The stored image's disk_format. */
    String storedDiskFormat(Inspection inspection, String diskFormat, Optional<TargetFormat> conversion) {
        if (profile == Profile.RACKSPACE) {
            return "vhd";
        }
        if (conversion.isPresent()) {
            return conversion.get().format();
        }
        return diskFormat != null ? diskFormat : inspection.format().glanceName();
    }

    String containerFormat(String requested) {
        if (profile == Profile.RACKSPACE) {
            return "ovf";
        }
        return requested == null ? "bare" : requested;
    }

    String visibility() {
        return profile == Profile.RACKSPACE ? "private" : "shared";
    }
}
