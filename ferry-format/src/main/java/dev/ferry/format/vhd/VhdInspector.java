package dev.ferry.format.vhd;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.VhdCode;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** VHD (Microsoft Virtual Hard Disk v1) detection and validation with the Rackspace codes. */
public final class VhdInspector implements FormatInspector {
    static final byte[] COOKIE = "conectix".getBytes(StandardCharsets.US_ASCII);

    public VhdInspector() {
    }

    @Override
    public DiskFormat format() {
        return DiskFormat.VHD;
    }

    /** The footer cookie in the last 512 bytes (every VHD) or at offset 0 (dynamic copy). */
    @Override
    public boolean probe(ReadSource source) throws IOException {
        long size = source.size();
        if (size < 512) {
            return false;
        }
        byte[] b = new byte[8];
        source.readFully(size - 512, b, 0, 8);
        if (Arrays.equals(b, COOKIE)) {
            return true;
        }
        source.readFully(0, b, 0, 8);
        return Arrays.equals(b, COOKIE);
    }

    @Override
    public Inspection inspect(ReadSource source, Limits limits) throws IOException {
        return Inspection.reject(DiskFormat.VHD, null, -1, source.size(), VhdCode.NOT_A_VHD.finding("inspection not implemented yet"));
    }
}
