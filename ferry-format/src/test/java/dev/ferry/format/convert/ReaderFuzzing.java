package dev.ferry.format.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The check behind every {@code *ReaderFuzzTest}: a reader opened on any bytes, without
 * inspection (the server may read a ranged source that changed since it was inspected), either
 * describes a disk that can be read whole, or throws {@link FormatException}. Anything else that
 * escapes (a runtime exception, an {@link java.io.EOFException} from reading past the end, an
 * {@link OutOfMemoryError}) fails the fuzz test, as does a read outside the source or a cursor
 * that breaks the {@link VirtualDisk} contract (extents out of order or past the size, non-zero
 * bytes where no DATA extent lies).
 */
public final class ReaderFuzzing {
    /**
     * Disks up to this virtual size are read whole, twice. The bound is the harness's, for speed (a
     * few ms per input): a fuzzed header may claim exabytes, and the readers do not refuse a large
     * virtual size by themselves — they bound what they hold in memory (the L1 table, grain
     * directory, block map, one table and one cluster at a time), the inspection's {@code Limits}
     * bound the virtual size, and the server checks that the disk a reader opens on a ranged source
     * has the size the inspection accepted. Larger disks get {@link #BIG_DISK_EXTENTS} extents
     * walked, {@link #BIG_DISK_READ} bytes of their data read, and reads at both ends.
     */
    public static final long READ_WHOLE_LIMIT = 4L << 20;
    public static final int BIG_DISK_EXTENTS = 4096;
    public static final long BIG_DISK_READ = 1L << 20;
    /** Read pieces: the converter's direct buffers (up to a chunk) and odd-sized heap reads. */
    private static final int DIRECT_PIECE = 256 * 1024;
    private static final int HEAP_PIECE = 12_345;
    /**
     * One direct buffer per thread, reused: a fresh one per input is only freed by a GC, and the
     * fuzzer's RSS climbed towards libFuzzer's 2 GB limit with them.
     */
    private static final ThreadLocal<ByteBuffer> DIRECT = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(DIRECT_PIECE));

    /** Opens a reader on a source: the format's {@code XReader::open}. */
    @FunctionalInterface
    public interface Opener {
        VirtualDisk open(ReadSource source) throws IOException;
    }

    private ReaderFuzzing() {
    }

    /** The committed seeds of a fuzz test method, by file name (they live in the test classpath). */
    public static java.util.Map<String, byte[]> seeds(Class<?> test, String method) throws IOException {
        java.net.URL dir = test.getResource(test.getSimpleName() + "Inputs/" + method);
        Objects.requireNonNull(dir, "no seeds for " + test.getSimpleName() + "#" + method);
        java.util.Map<String, byte[]> seeds = new java.util.TreeMap<>();
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of(dir.toURI()))) {
            for (java.nio.file.Path f : files.toList()) {
                seeds.put(f.getFileName().toString(), java.nio.file.Files.readAllBytes(f));
            }
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        return seeds;
    }

    /**
     * Opens {@code image} with {@code opener} and reads the disk; returns its virtual size, or -1
     * when the reader refused the bytes with a {@link FormatException}.
     */
    public static long readWhole(Opener opener, byte[] image) throws IOException {
        StrictSource source = new StrictSource(image);
        try (VirtualDisk disk = opener.open(source)) {
            long size = disk.size();
            assertThat(size).as("virtual size").isNotNegative();
            if (size <= READ_WHOLE_LIMIT) {
                readSmall(disk, (int) size);
            } else {
                readBig(disk, size);
            }
            return size;
        } catch (FormatException refused) {
            assertThat(refused.finding()).isNotNull();
            return -1;
        }
    }

    /** Every extent's data through direct buffers, then every byte through heap reads; compared. */
    private static void readSmall(VirtualDisk disk, int size) throws IOException {
        byte[] viaExtents = new byte[size];
        ExtentCursor cursor = disk.extents();
        ByteBuffer direct = DIRECT.get();
        long last = 0;
        for (Extent e = cursor.next(); e != null; e = cursor.next()) {
            checkOrder(e, last, size);
            last = e.end();
            if (e.kind() == Extent.Kind.ZERO) {
                continue;
            }
            for (long p = e.offset(); p < e.end(); ) {
                int n = (int) Math.min(DIRECT_PIECE, e.end() - p);
                direct.clear().limit(n);
                disk.read(p, direct);
                assertThat(direct.position()).as("a read fills the buffer").isEqualTo(n);
                direct.flip().get(viaExtents, (int) p, n);
                p += n;
            }
        }
        byte[] whole = new byte[size];
        for (int p = 0; p < size; ) {
            int n = Math.min(HEAP_PIECE, size - p);
            disk.read(p, whole, p, n);
            p += n;
        }
        // Outside DATA extents the disk reads as zeros, and a DATA extent reads the same either way.
        assertThat(whole).as("the bytes read whole equal the extents' data, zeros elsewhere").isEqualTo(viaExtents);
    }

    private static void readBig(VirtualDisk disk, long size) throws IOException {
        ExtentCursor cursor = disk.extents();
        ByteBuffer direct = DIRECT.get();
        long last = 0;
        long budget = BIG_DISK_READ;
        int count = 0;
        for (Extent e = cursor.next(); e != null && count < BIG_DISK_EXTENTS; e = cursor.next(), count++) {
            checkOrder(e, last, size);
            last = e.end();
            if (e.kind() == Extent.Kind.DATA && budget > 0) {
                int n = (int) Math.min(Math.min(budget, DIRECT_PIECE), e.length());
                direct.clear().limit(n);
                disk.read(e.offset(), direct);
                budget -= n;
            }
        }
        byte[] b = new byte[(int) Math.min(size, 64 * 1024)];
        disk.read(0, b, 0, b.length);
        disk.read(size - b.length, b, 0, b.length);
    }

    private static void checkOrder(Extent e, long last, long size) {
        assertThat(e.offset()).as("extent %s after %s", e, last).isGreaterThanOrEqualTo(last);
        assertThat(e.end()).as("extent %s inside the disk of %s bytes", e, size).isLessThanOrEqualTo(size);
    }

    /** The image in memory; a read that starts or ends outside it fails the test. */
    private static final class StrictSource implements ReadSource {
        private final byte[] data;

        StrictSource(byte[] data) {
            this.data = Objects.requireNonNull(data);
        }

        @Override
        public long size() {
            return data.length;
        }

        @Override
        public int read(long position, byte[] buf, int off, int len) {
            Objects.checkFromIndexSize(off, len, buf.length);
            if (position < 0 || position > data.length - (long) len) {
                throw new AssertionError("read of " + len + " bytes at " + position + " outside a source of " + data.length);
            }
            System.arraycopy(data, (int) position, buf, off, len);
            return len;
        }
    }
}
