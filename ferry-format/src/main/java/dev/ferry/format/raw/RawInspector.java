package dev.ferry.format.raw;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Finding;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.util.Optional;

/**
 * Raw disks. The virtual size is the file length (qemu reports it rounded up to 512). A
 * well-formed MBR gives subformat "mbr"; a protective MBR gives "gpt" and then the GPT header must
 * be intact (signature, CRCs, in-file placement), else the image is refused: a disk that says it is
 * GPT but whose header is corrupt or cut short is damaged. A 55 AA sector whose entries are not a
 * partition table (a filesystem boot sector, random data) is plain raw.
 */
public final class RawInspector implements FormatInspector {

    public static final String SUBFORMAT_MBR = "mbr";
    public static final String SUBFORMAT_GPT = "gpt";

    @Override
    public DiskFormat format() {
        return DiskFormat.RAW;
    }

    /** Raw has no signature: every byte string is a raw disk. */
    @Override
    public boolean probe(ReadSource source) {
        return true;
    }

    /**
     * True when sector 0 looks like a partition table to a prober ({@code 55 AA} at 510, not a FAT
     * boot record); the detector uses this to find the ISO+MBR / VHD+MBR pairs and partition tables
     * hidden in other formats.
     */
    public static boolean hasPartitionTableSignature(ReadSource source) throws IOException {
        if (source.size() < 512) {
            return false;
        }
        return Mbr.hasSignature(source.readFully(0, 512));
    }

    @Override
    public Inspection inspect(ReadSource source, Limits limits) throws IOException {
        long size = source.size();
        long qemuSize = roundUp512(size);
        if (size == 0) {
            return Inspection.reject(DiskFormat.RAW, null, 0, 0, new Finding(Reason.EMPTY_FILE, "the file is empty"));
        }
        String subformat = null;
        if (size >= 512) {
            Optional<Mbr> mbr = Mbr.parse(source.readFully(0, 512));
            if (mbr.isPresent()) {
                subformat = SUBFORMAT_MBR;
                if (mbr.get().protective()) {
                    subformat = SUBFORMAT_GPT;
                    try {
                        GptHeader.read(source);
                    } catch (GptHeader.GptException e) {
                        String code = e.truncated ? Reason.TRUNCATED : Reason.BAD_HEADER;
                        return Inspection.reject(DiskFormat.RAW, subformat, size, size, new Finding(code, e.getMessage()));
                    }
                }
            }
        }
        if (size > limits.maxVirtualSize()) {
            return Inspection.reject(DiskFormat.RAW, subformat, size, size, new Finding(Reason.VIRTUAL_SIZE_LIMIT,
                    "virtual size " + size + " exceeds the limit of " + limits.maxVirtualSize() + " bytes"));
        }
        if (size > limits.maxFileSize()) {
            return Inspection.reject(DiskFormat.RAW, subformat, size, size, new Finding(Reason.FILE_SIZE_LIMIT,
                    "file size " + size + " exceeds the limit of " + limits.maxFileSize() + " bytes"));
        }
        return Inspection.accept(DiskFormat.RAW, subformat, size, qemuSize, size);
    }

    static long roundUp512(long size) {
        return size > Long.MAX_VALUE - 511 ? size : (size + 511) & ~511L;
    }
}
