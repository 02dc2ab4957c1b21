package dev.ferry.format.iso;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Finding;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;

/**
 * ISO 9660 / UDF images. Detected by the identifier of the descriptor at 32 KiB. Hypervisors use
 * an ISO as a raw block device, so the virtual size is the file length (what qemu reports); the
 * PVD's volume space (blocks × block size) must fit inside the file, else the image is truncated.
 * A UDF-only image (no PVD) is accepted on its recognition sequence.
 */
public final class IsoInspector implements FormatInspector {
    /** Descriptors are walked until the terminator, at most this many (real sets have 2-5). */
    static final int MAX_DESCRIPTORS = 64;

    @Override
    public DiskFormat format() {
        return DiskFormat.ISO;
    }

    @Override
    public boolean probe(ReadSource source) throws IOException {
        if (source.size() < VolumeDescriptor.FIRST_OFFSET + 7) {
            return false;
        }
        VolumeDescriptor d = VolumeDescriptor.parse(source.readFully(VolumeDescriptor.FIRST_OFFSET, 7));
        return d.iso9660() || d.identifier().equals("BEA01") || d.identifier().startsWith("NSR0");
    }

    @Override
    public Inspection inspect(ReadSource source, Limits limits) throws IOException {
        long size = source.size();
        if (!probe(source)) {
            return reject(size, Reason.BAD_HEADER, "no ISO 9660 or UDF volume descriptor at offset 32768");
        }
        PrimaryVolumeDescriptor pvd = null;
        boolean udf = false;
        boolean terminated = false;
        byte[] sector = new byte[VolumeDescriptor.SECTOR_SIZE];
        for (int i = 0; i < MAX_DESCRIPTORS && !terminated; i++) {
            long off = VolumeDescriptor.FIRST_OFFSET + (long) i * VolumeDescriptor.SECTOR_SIZE;
            if (off + VolumeDescriptor.SECTOR_SIZE > size) {
                return reject(size, Reason.TRUNCATED, "volume descriptor set runs past the end of the file");
            }
            source.readFully(off, sector, 0, sector.length);
            VolumeDescriptor d = VolumeDescriptor.parse(sector);
            if (d.iso9660()) {
                if (d.type() == VolumeDescriptor.TYPE_TERMINATOR) {
                    terminated = true;
                } else if (d.type() == VolumeDescriptor.TYPE_PRIMARY && pvd == null) {
                    try {
                        pvd = PrimaryVolumeDescriptor.parse(sector);
                    } catch (IllegalArgumentException e) {
                        return reject(size, Reason.BAD_HEADER, "primary volume descriptor: " + e.getMessage());
                    }
                }
            } else if (d.udf()) {
                udf = true;
                terminated = d.identifier().equals("TEA01") && pvd != null;
            } else {
                // Neither ISO nor UDF: the descriptor set has ended (UDF sets may end without a terminator).
                break;
            }
        }
        if (pvd == null && !udf) {
            return reject(size, Reason.BAD_HEADER, "no primary volume descriptor before the set terminator");
        }
        if (pvd != null && pvd.volumeBytes() > size) {
            return reject(size, Reason.TRUNCATED, "the volume spans " + pvd.volumeBytes() + " bytes but the file has " + size);
        }
        String subformat = pvd == null ? "udf" : null;
        if (size > limits.maxVirtualSize()) {
            return reject(size, Reason.VIRTUAL_SIZE_LIMIT, "virtual size " + size + " exceeds the limit of " + limits.maxVirtualSize() + " bytes");
        }
        if (size > limits.maxFileSize()) {
            return reject(size, Reason.FILE_SIZE_LIMIT, "file size " + size + " exceeds the limit of " + limits.maxFileSize() + " bytes");
        }
        return Inspection.accept(DiskFormat.ISO, subformat, size, (size + 511) & ~511L, size);
    }

    private static Inspection reject(long size, String code, String message) {
        return Inspection.reject(DiskFormat.ISO, null, size, size, new Finding(code, message));
    }
}
