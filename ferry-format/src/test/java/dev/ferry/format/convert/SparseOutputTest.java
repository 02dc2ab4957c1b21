package dev.ferry.format.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zeros are not written as data, even inside an allocated (DATA) extent of the source. */
class SparseOutputTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    /** 64 MiB, all of it a DATA extent, with one non-zero byte at 40 MiB + 3. */
    private static MemoryDisk disk() {
        byte[] c = new byte[64 * MIB];
        c[40 * MIB + 3] = 1;
        return new MemoryDisk(c, List.of(new Extent(0, c.length, Extent.Kind.DATA)));
    }

    private long written(TargetFormat t) throws IOException {
        Path out = dir.resolve("out-" + t.name());
        ConversionRoundTripTest.write(disk(), t, out);
        ConversionRoundTripTest.assertSameContent(disk().content(), out, t);
        return Files.size(out);
    }

    @Test
    void qcow2AllocatesOneDataCluster() throws IOException {
        // header, one data cluster, one L2 table, L1, refcount table, one refcount block
        assertEquals(6 * 65536, written(TargetFormat.QCOW2));
    }

    @Test
    void dynamicVhdAllocatesOneBlock() throws IOException {
        // footer copy, header, BAT (32 entries = 128 bytes -> 512), bitmap + 2 MiB block, footer
        assertEquals(512 + 1024 + 512 + 512 + 2 * MIB + 512, written(TargetFormat.VHD_DYNAMIC));
    }

    @Test
    void streamOptimizedVmdkStoresOneGrain() throws IOException {
        assertTrue(written(TargetFormat.VMDK_STREAM_OPTIMIZED) < 128 * 1024, "64 KiB overhead + one compressed grain + tables");
    }
}
