package dev.ferry.format.qcow2;

import dev.ferry.format.Reason;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One header extension: {@code type(4) length(4) data, padded to 8}, found after the header in
 * cluster 0. Only the location of the data is kept; callers read the few bytes they need.
 *
 * @param type       the extension type (see the constants)
 * @param dataOffset file offset of the data
 * @param length     data length in bytes (without padding)
 */
public record HeaderExtension(int type, long dataOffset, long length) {
    public static final int END = 0x00000000;
    public static final int BACKING_FORMAT = 0xE2792ACA;
    public static final int FEATURE_NAME_TABLE = 0x6803F857;
    public static final int BITMAPS = 0x23852875;
    public static final int FULL_DISK_ENCRYPTION = 0x0537BE77;
    public static final int EXTERNAL_DATA_FILE = 0x44415441;

    /** More than this many extensions is not an image anyone wrote. */
    public static final int MAX_COUNT = 64;

    public HeaderExtension {
        if (dataOffset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length");
        }
    }

    /**
     * Reads the extension list of {@code header}. The list must end (type 0) inside cluster 0 and
     * before the backing file name when there is one; each known type may appear once.
     */
    public static List<HeaderExtension> readAll(ReadSource source, Header header) throws IOException, Qcow2Exception {
        long fileSize = source.size();
        long end = header.clusterSize();
        if (header.hasBackingFile() && header.backingFileOffset() < end) {
            end = header.backingFileOffset();
        }
        List<HeaderExtension> result = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        long pos = header.extensionsOffset();
        while (true) {
            if (pos + 8 > end) {
                if (pos + 8 > fileSize && end > fileSize) {
                    throw new Qcow2Exception(Reason.TRUNCATED, "file ends inside the header extensions at " + pos);
                }
                throw new Qcow2Exception(Reason.BAD_HEADER, "header extensions run past cluster 0 or into the backing file name at " + pos);
            }
            if (pos + 8 > fileSize) {
                throw new Qcow2Exception(Reason.TRUNCATED, "file ends inside the header extensions at " + pos);
            }
            ByteBuffer b = ByteBuffer.wrap(source.readFully(pos, 8));
            int type = b.getInt(0);
            long length = Integer.toUnsignedLong(b.getInt(4));
            if (type == END) {
                return List.copyOf(result);
            }
            long data = pos + 8;
            long padded = (length + 7) & ~7L;
            if (data + padded > end) {
                throw new Qcow2Exception(Reason.BAD_HEADER, String.format(
                        "header extension 0x%08x of %d bytes runs past cluster 0", type, length));
            }
            if (result.size() >= MAX_COUNT) {
                throw new Qcow2Exception(Reason.BAD_HEADER, "more than " + MAX_COUNT + " header extensions");
            }
            if (!seen.add(type)) {
                throw new Qcow2Exception(Reason.BAD_HEADER, String.format("header extension 0x%08x appears twice", type));
            }
            result.add(new HeaderExtension(type, data, length));
            pos = data + padded;
        }
    }

    public static HeaderExtension find(List<HeaderExtension> extensions, int type) {
        for (HeaderExtension e : extensions) {
            if (e.type == type) {
                return e;
            }
        }
        return null;
    }
}
