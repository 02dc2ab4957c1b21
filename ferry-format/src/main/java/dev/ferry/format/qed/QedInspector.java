package dev.ferry.format.qed;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Finding;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.util.Arrays;

/** QED: always {@link Reason#UNSUPPORTED_FORMAT}, reporting the header's virtual size when readable. */
public final class QedInspector implements FormatInspector {

    @Override
    public DiskFormat format() {
        return DiskFormat.QED;
    }

    @Override
    public boolean probe(ReadSource source) throws IOException {
        return source.size() >= 4 && Arrays.equals(source.readFully(0, 4), QedHeader.MAGIC);
    }

    @Override
    public Inspection inspect(ReadSource source, Limits limits) throws IOException {
        long size = source.size();
        long virtualSize = -1;
        String detail = "";
        if (probe(source) && size >= QedHeader.LENGTH) {
            try {
                QedHeader h = QedHeader.parse(source.readFully(0, QedHeader.LENGTH));
                virtualSize = h.imageSize();
                detail = h.hasBackingFile() ? " (and it names a backing file)" : "";
            } catch (IllegalArgumentException e) {
                detail = " (" + e.getMessage() + ")";
            }
        }
        return Inspection.reject(DiskFormat.QED, null, virtualSize, size,
                new Finding(Reason.UNSUPPORTED_FORMAT, "QED images are not supported" + detail));
    }
}
