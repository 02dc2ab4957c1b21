package dev.ferry.format.vhdx;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.Finding;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** VHDX (Hyper-V virtual hard disk v2) detection and validation. */
public final class VhdxInspector implements FormatInspector {
    static final byte[] FILE_IDENTIFIER = "vhdxfile".getBytes(StandardCharsets.US_ASCII);

    public VhdxInspector() {
    }

    @Override
    public DiskFormat format() {
        return DiskFormat.VHDX;
    }

    /** The file type identifier 'vhdxfile' at offset 0. */
    @Override
    public boolean probe(ReadSource source) throws IOException {
        if (source.size() < 8) {
            return false;
        }
        byte[] b = source.readFully(0, 8);
        return Arrays.equals(b, FILE_IDENTIFIER);
    }

    @Override
    public Inspection inspect(ReadSource source, Limits limits) throws IOException {
        return Inspection.reject(DiskFormat.VHDX, null, -1, source.size(),
                new Finding(Reason.UNSUPPORTED_FORMAT, "VHDX inspection not implemented yet"));
    }
}
