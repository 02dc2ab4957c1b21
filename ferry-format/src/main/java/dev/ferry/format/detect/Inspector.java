package dev.ferry.format.detect;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Finding;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.VhdCode;
import dev.ferry.format.io.ReadSource;
import dev.ferry.format.raw.RawInspector;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Detects an image's format, validates it with that format's inspector and applies the limits.
 *
 * <p>Rules (formats.md 0 and 3.1):
 * <ol>
 * <li>Every signed format is probed, VHD at the end of the file too (a fixed VHD has no header).
 *     A {@code 55 AA} partition-table signature in sector 0 counts as a match of its own.</li>
 * <li>Two matches are refused ({@link Reason#MULTIPLE_FORMATS}) except ISO + partition table
 *     (hybrid ISO) and fixed VHD + partition table (a whole disk in a fixed VHD).</li>
 * <li>A claim of VHD always yields a VHD result: not a VHD (or empty) is 396, a valid VHD that
 *     is also another format is 111.</li>
 * <li>Otherwise an empty file is {@link Reason#EMPTY_FILE}; content of another format than claimed
 *     is {@link Reason#FORMAT_MISMATCH} (reported as the claimed format, with the size that format
 *     would give: the file length for raw, else unknown); content with no signature at all that
 *     is claimed as a signed format gets that format's own rejection (a damaged magic is its
 *     BAD_HEADER), and FORMAT_MISMATCH should that inspector accept it anyway; with no claim the
 *     detected format is reported; raw is what remains when nothing matched.</li>
 * <li>For every format but VHD (which applies 413/609 itself) an accepted image whose virtual or
 *     file size exceeds the limits is refused with VIRTUAL_SIZE_LIMIT / FILE_SIZE_LIMIT.</li>
 * </ol>
 * Malformed content never escapes as an exception: should an inspector throw a runtime exception
 * or hit the end of the source, the image is refused as a malformed image of that format.
 */
public final class Inspector {
    private static final byte[] VHD_COOKIE = "conectix".getBytes(StandardCharsets.US_ASCII);

    private final FormatRegistry registry;
    private final boolean strict;

    public Inspector(FormatRegistry registry) {
        this(registry, false);
    }

    /** {@code strict}: let inspector bugs (runtime exceptions) escape; for tests and fuzzing. */
    Inspector(FormatRegistry registry, boolean strict) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.strict = strict;
    }

    /** The detector over every format Ferry implements. */
    public static Inspector standard() {
        return new Inspector(FormatRegistry.standard());
    }

    public FormatRegistry registry() {
        return registry;
    }

    public Inspection inspect(ReadSource source, Optional<DiskFormat> claimed, Limits limits) throws IOException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(claimed, "claimed");
        Objects.requireNonNull(limits, "limits");
        long size = source.size();
        if (claimed.isPresent() && claimed.get() == DiskFormat.VHD) {
            return inspectClaimedVhd(source, size, limits);
        }
        if (size == 0) {
            return Inspection.reject(claimed.orElse(DiskFormat.RAW), null, 0, 0, new Finding(Reason.EMPTY_FILE, "the file is empty"));
        }
        Set<DiskFormat> matches = probeAll(source, size);
        boolean partitionTable = RawInspector.hasPartitionTableSignature(source);
        Optional<String> multiple = multipleMatches(source, matches, partitionTable);
        if (multiple.isPresent()) {
            Finding why = new Finding(Reason.MULTIPLE_FORMATS, "the content is valid as " + multiple.get()
                    + "; such files are refused because readers would disagree on the format");
            if (claimed.isPresent() && !matches.contains(claimed.get())) {
                DiskFormat c = claimed.get();
                return Inspection.reject(c, null, c == DiskFormat.RAW ? size : -1, size, why);
            }
            // Reported as the claimed format (or the first match) with the size that format gives.
            return inspectAs(claimed.orElseGet(() -> first(matches)), source, size, limits).withRejection(why);
        }
        DiskFormat detected = matches.isEmpty() ? DiskFormat.RAW : first(matches);
        if (claimed.isPresent() && matches.isEmpty() && claimed.get() != DiskFormat.RAW && registry.supports(claimed.get())) {
            // No signature matched: the claimed format's own checks say what is wrong (a damaged
            // signature is that format's BAD_HEADER, with whatever size the rest of it gives).
            Inspection asClaimed = inspectAs(claimed.get(), source, size, limits);
            if (!asClaimed.accepted()) {
                return asClaimed;
            }
        }
        if (claimed.isPresent() && claimed.get() != detected) {
            DiskFormat c = claimed.get();
            return Inspection.reject(c, null, c == DiskFormat.RAW ? size : -1, size, new Finding(Reason.FORMAT_MISMATCH,
                    "the content is " + detected + ", not " + c));
        }
        return applyLimits(inspectAs(detected, source, size, limits), limits);
    }

    private Inspection inspectClaimedVhd(ReadSource source, long size, Limits limits) throws IOException {
        Optional<FormatInspector> vhd = registry.get(DiskFormat.VHD);
        if (size == 0) {
            return Inspection.reject(DiskFormat.VHD, null, -1, 0, VhdCode.NOT_A_VHD.finding("the file is empty"));
        }
        if (vhd.isEmpty()) {
            return Inspection.reject(DiskFormat.VHD, null, -1, size, VhdCode.UNSPECIFIED.finding("no VHD inspector in this build"));
        }
        Inspection insp = run(vhd.get(), source, size, limits);
        if (!insp.accepted()) {
            return insp;
        }
        Set<DiskFormat> others = probeAll(source, size);
        others.remove(DiskFormat.VHD);
        boolean partitionTable = RawInspector.hasPartitionTableSignature(source);
        if (partitionTable && !isFixedVhd(source, size)) {
            others.add(DiskFormat.RAW);
        }
        if (!others.isEmpty()) {
            return insp.withRejection(VhdCode.UNSPECIFIED.finding("the file is also a valid " + names(others) + " image"));
        }
        return insp;
    }

    /** Null when the matches are one format or an allowed pair; else a description of the formats. */
    private Optional<String> multipleMatches(ReadSource source, Set<DiskFormat> matches, boolean partitionTable) throws IOException {
        if (matches.size() > 1) {
            return Optional.of(names(matches) + (partitionTable ? " and a partition table" : ""));
        }
        if (partitionTable && matches.size() == 1) {
            DiskFormat f = first(matches);
            boolean allowed = f == DiskFormat.ISO || (f == DiskFormat.VHD && isFixedVhd(source, source.size()));
            if (!allowed) {
                return Optional.of(f + " and a partition table (MBR/GPT)");
            }
        }
        return Optional.empty();
    }

    /** A fixed VHD has its only footer at the end; a dynamic one also has a copy at offset 0. */
    private static boolean isFixedVhd(ReadSource source, long size) throws IOException {
        return size < 8 || !Arrays.equals(source.readFully(0, 8), VHD_COOKIE);
    }

    private Set<DiskFormat> probeAll(ReadSource source, long size) throws IOException {
        Set<DiskFormat> matches = EnumSet.noneOf(DiskFormat.class);
        for (FormatInspector i : registry.signed()) {
            try {
                if (i.probe(source)) {
                    matches.add(i.format());
                }
            } catch (EOFException e) {
                // a probe that reads past a short file did not find its signature
            } catch (RuntimeException e) {
                if (strict) {
                    throw e;
                }
            }
        }
        return matches;
    }

    private Inspection inspectAs(DiskFormat format, ReadSource source, long size, Limits limits) throws IOException {
        Optional<FormatInspector> i = registry.get(format);
        if (i.isEmpty()) {
            return Inspection.reject(format, null, -1, size, new Finding(Reason.UNSUPPORTED_FORMAT, format + " is not supported by this build"));
        }
        return run(i.get(), source, size, limits);
    }

    private Inspection run(FormatInspector i, ReadSource source, long size, Limits limits) throws IOException {
        try {
            Inspection r = i.inspect(source, limits);
            if (r == null) {
                throw new IllegalStateException(i.format() + " inspector returned null");
            }
            return r;
        } catch (EOFException e) {
            return failure(i.format(), size, Reason.TRUNCATED, "structure runs past the end of the file: " + e.getMessage());
        } catch (RuntimeException e) {
            if (strict) {
                throw e;
            }
            return failure(i.format(), size, Reason.BAD_HEADER, "malformed image (" + e + ")");
        }
    }

    private static Inspection failure(DiskFormat format, long size, String reason, String message) {
        Finding why = format == DiskFormat.VHD ? VhdCode.UNSPECIFIED.finding(message) : new Finding(reason, format + ": " + message);
        return Inspection.reject(format, null, -1, size, why);
    }

    private static Inspection applyLimits(Inspection i, Limits limits) {
        if (!i.accepted() || i.format() == DiskFormat.VHD) {
            return i;
        }
        if (i.virtualSize() > limits.maxVirtualSize()) {
            return i.withRejection(new Finding(Reason.VIRTUAL_SIZE_LIMIT, "virtual size " + i.virtualSize()
                    + " exceeds the limit of " + limits.maxVirtualSize() + " bytes"));
        }
        if (i.fileSize() > limits.maxFileSize()) {
            return i.withRejection(new Finding(Reason.FILE_SIZE_LIMIT, "file size " + i.fileSize()
                    + " exceeds the limit of " + limits.maxFileSize() + " bytes"));
        }
        return i;
    }

    private static DiskFormat first(Set<DiskFormat> matches) {
        for (DiskFormat f : FormatRegistry.PROBE_ORDER) {
            if (matches.contains(f)) {
                return f;
            }
        }
        return matches.iterator().next();
    }

    private static String names(Set<DiskFormat> formats) {
        return formats.stream().map(f -> f == DiskFormat.RAW ? "partition table" : f.glanceName()).collect(Collectors.joining(" and "));
    }
}
