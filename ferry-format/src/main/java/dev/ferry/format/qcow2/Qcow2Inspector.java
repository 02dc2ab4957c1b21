package dev.ferry.format.qcow2;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Finding;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;

/** qcow2 detection and validation (first cut: magic and version). */
public final class Qcow2Inspector implements FormatInspector {
    /** {@code QFI\xfb}, shared by qcow (v1) and qcow2 (v2, v3). */
    public static final int MAGIC = 0x514649FB;

    public Qcow2Inspector() {
    }

    @Override
    public DiskFormat format() {
        return DiskFormat.QCOW2;
    }

    @Override
    public boolean probe(ReadSource source) throws IOException {
        if (source.size() < 4) {
            return false;
        }
        byte[] b = source.readFully(0, 4);
        return ((b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff)) == MAGIC;
    }

    @Override
    public Inspection inspect(ReadSource source, Limits limits) throws IOException {
        long fileSize = source.size();
        if (!probe(source)) {
            return Inspection.reject(DiskFormat.QCOW2, null, -1, fileSize, new Finding(Reason.BAD_HEADER, "no qcow2 magic"));
        }
        if (fileSize < 8) {
            return Inspection.reject(DiskFormat.QCOW2, null, -1, fileSize, new Finding(Reason.TRUNCATED, "file ends inside the header"));
        }
        byte[] b = source.readFully(4, 4);
        int version = (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
        if (version != 2 && version != 3) {
            return Inspection.reject(DiskFormat.QCOW2, null, -1, fileSize,
                    new Finding(Reason.UNSUPPORTED_VERSION, "qcow version " + Integer.toUnsignedString(version)));
        }
        return Inspection.reject(DiskFormat.QCOW2, "v" + version, -1, fileSize,
                new Finding(Reason.UNSUPPORTED_FEATURE, "qcow2 validation not implemented yet"));
    }
}
