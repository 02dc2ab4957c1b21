package dev.ferry.format.detect;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.FormatInspector;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A stand-in for a format whose real inspector lives elsewhere: matches a magic string at a fixed
 * offset (negative: from the end, like a VHD footer) and accepts with a fixed virtual size.
 */
record FakeInspector(DiskFormat format, String magic, long offset, long virtualSize, String subformat) implements FormatInspector {

    static FakeInspector qcow2() {
        return new FakeInspector(DiskFormat.QCOW2, "QFI\u00fb", 0, 1 << 20, null);
    }

    /** Footer cookie in the last 512 bytes. */
    static FakeInspector vhd() {
        return new FakeInspector(DiskFormat.VHD, "conectix", -512, 8 << 20, "fixed");
    }

    byte[] magicBytes() {
        return magic.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public boolean probe(ReadSource source) throws IOException {
        long at = offset >= 0 ? offset : source.size() + offset;
        byte[] m = magicBytes();
        return at >= 0 && at + m.length <= source.size() && Arrays.equals(source.readFully(at, m.length), m);
    }

    @Override
    public Inspection inspect(ReadSource source, Limits limits) throws IOException {
        if (!probe(source)) {
            return Inspection.reject(format, null, -1, source.size(), format == DiskFormat.VHD
                    ? dev.ferry.format.VhdCode.NOT_A_VHD.finding() : new dev.ferry.format.Finding("BAD_HEADER", "no magic"));
        }
        return Inspection.accept(format, subformat, virtualSize, virtualSize, source.size());
    }

    /** Writes the magic into {@code image} where this inspector looks for it. */
    byte[] stamp(byte[] image) {
        byte[] m = magicBytes();
        int at = (int) (offset >= 0 ? offset : image.length + offset);
        System.arraycopy(m, 0, image, at, m.length);
        return image;
    }
}
