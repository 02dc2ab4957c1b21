package dev.ferry.format.vmdk;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Finding;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.Reason;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** VMDK detection and validation (first cut: detection only). */
public final class VmdkInspector implements FormatInspector {
    /** "KDMV" as it appears in the file (little-endian 0x564D444B). */
    static final byte[] SPARSE_MAGIC = {'K', 'D', 'M', 'V'};
    static final String DESCRIPTOR_SIGNATURE = "# Disk DescriptorFile";
    /** How much of a text file is searched for a descriptor when probing. */
    static final int PROBE_WINDOW = 1024;

    public VmdkInspector() {
    }

    @Override
    public DiskFormat format() {
        return DiskFormat.VMDK;
    }

    @Override
    public boolean probe(ReadSource source) throws IOException {
        long size = source.size();
        if (size < 4) {
            return false;
        }
        int n = (int) Math.min(size, PROBE_WINDOW);
        byte[] head = source.readFully(0, n);
        if (head[0] == 'K' && head[1] == 'D' && head[2] == 'M' && head[3] == 'V') {
            return true;
        }
        return looksLikeDescriptor(head, n);
    }

    /** A text descriptor: starts with the signature, or is ASCII text with a createType line. */
    static boolean looksLikeDescriptor(byte[] head, int n) {
        String text = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        if (text.startsWith(DESCRIPTOR_SIGNATURE)) {
            return true;
        }
        for (int i = 0; i < n; i++) {
            int c = head[i] & 0xff;
            if (c == 0 || c > 0x7e || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
                return false;
            }
        }
        return text.contains("createType=");
    }

    @Override
    public Inspection inspect(ReadSource source, Limits limits) throws IOException {
        long fileSize = source.size();
        return Inspection.reject(DiskFormat.VMDK, null, -1, fileSize,
                new Finding(Reason.UNSUPPORTED_FEATURE, "VMDK validation not implemented yet"));
    }
}
