package dev.ferry.server.tasks;

import dev.ferry.format.DiskFormat;
import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.convert.Converter;
import dev.ferry.format.convert.DiskWriter;
import dev.ferry.format.io.FileReadSource;
import dev.ferry.format.convert.TargetFormat;
import dev.ferry.format.convert.VirtualDisk;
import dev.ferry.format.detect.Inspector;
import dev.ferry.format.io.ByteArrayReadSource;
import dev.ferry.format.io.FileReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Random;

/**
 * Disk images for import tests, made in code with Ferry's own writers (so the default build needs
 * no qemu-img), and VHD footers patched afterwards to reach each Rackspace validation code.
 */
public final class TestImages {

    /** VHD footer field offsets (Virtual Hard Disk Image Format Specification). */
    public static final int CURRENT_SIZE = 48;
    public static final int DISK_TYPE = 60;
    public static final int CHECKSUM = 64;
    public static final int UNIQUE_ID = 68;
    public static final int SAVED_STATE = 84;

    private TestImages() {
    }

    /** A raw disk of {@code size} bytes with random data in a few 64 KiB places and zeros elsewhere. */
    public static byte[] raw(int size, long seed) {
        byte[] disk = new byte[size];
        Random r = new Random(seed);
        for (int at = 0; at + 65536 <= size; at += 5 * 65536) {
            byte[] part = new byte[65536];
            r.nextBytes(part);
            System.arraycopy(part, 0, disk, at, part.length);
        }
        return disk;
    }

    /** {@code raw} converted to {@code target} by Ferry's converter. */
    public static byte[] convert(byte[] raw, TargetFormat target, Path work) throws IOException {
        Path in = Files.createTempFile(work, "raw", ".img");
        Path out = Files.createTempFile(work, "out", ".img");
        Files.write(in, raw);
        try (FileReadSource src = FileReadSource.open(in)) {
            Inspection insp = Inspector.standard().inspect(src, Optional.of(DiskFormat.RAW), Limits.NONE);
            Converter.convert(src, insp, target, out, null);
        }
        byte[] result = Files.readAllBytes(out);
        Files.delete(in);
        Files.delete(out);
        return result;
    }

    /** An empty dynamic VHD of {@code virtualSize} bytes (tiny whatever the size: no block allocated). */
    public static byte[] emptyDynamicVhd(long virtualSize, Path work) throws IOException {
        return empty(TargetFormat.VHD_DYNAMIC, virtualSize, work);
    }

    /** An empty qcow2 of {@code virtualSize} bytes. */
    public static byte[] emptyQcow2(long virtualSize, Path work) throws IOException {
        return empty(TargetFormat.QCOW2, virtualSize, work);
    }

    private static byte[] empty(TargetFormat format, long virtualSize, Path work) throws IOException {
        Path out = Files.createTempFile(work, "empty", ".img");
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.WRITE, StandardOpenOption.READ,
                StandardOpenOption.TRUNCATE_EXISTING);
             DiskWriter w = Converter.writer(format, virtualSize, ch)) {
            w.finish();
        }
        byte[] result = Files.readAllBytes(out);
        Files.delete(out);
        return result;
    }

    /**
     * Applies {@code patch} to the footer at the end (and to the copy at offset 0 of a dynamic
     * VHD), then recomputes the checksum(s) so that only the patched field is wrong.
     */
    public static byte[] patchFooter(byte[] vhd, java.util.function.Consumer<ByteBuffer> patch) {
        byte[] copy = vhd.clone();
        int tail = copy.length - 512;
        boolean dynamicCopy = new String(copy, 0, 8, java.nio.charset.StandardCharsets.US_ASCII).equals("conectix");
        for (int at : dynamicCopy ? new int[] {0, tail} : new int[] {tail}) {
            ByteBuffer footer = ByteBuffer.wrap(copy, at, 512).slice();
            patch.accept(footer);
            footer.putInt(CHECKSUM, 0);
            int sum = 0;
            for (int i = 0; i < 512; i++) {
                sum += footer.get(i) & 0xff;
            }
            footer.putInt(CHECKSUM, ~sum);
        }
        return copy;
    }

    /** The virtual disk's content, read back with Ferry's reader for its format. */
    public static byte[] readBack(byte[] image) throws IOException {
        ByteArrayReadSource src = new ByteArrayReadSource(image);
        Inspection insp = Inspector.standard().inspect(src, Optional.empty(), Limits.NONE);
        if (!insp.accepted()) {
            throw new IOException("not accepted: " + insp.rejection());
        }
        try (VirtualDisk disk = Converter.open(src, insp)) {
            byte[] out = new byte[Math.toIntExact(disk.size())];
            disk.read(0, out, 0, out.length);
            return out;
        }
    }

    /** Inspects image bytes with no claim. */
    public static Inspection inspect(byte[] image) throws IOException {
        return Inspector.standard().inspect(new ByteArrayReadSource(image), Optional.empty(), Limits.NONE);
    }

    static Inspection inspect(Path file) throws IOException {
        try (FileReadSource src = FileReadSource.open(file)) {
            return Inspector.standard().inspect(src, Optional.empty(), Limits.NONE);
        }
    }
}
