package dev.ferry.format.vhd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.Inspection;
import dev.ferry.format.Limits;
import dev.ferry.format.io.FileReadSource;
import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 40 GiB fixed VHD as a sparse file: inspection reads only its footer and first sector. */
class VhdLargeSparseTest {
    private static final long GIB = 1L << 30;

    /** Counts the bytes a source hands out. */
    static final class CountingSource implements ReadSource {
        private final ReadSource inner;
        long bytesRead;

        CountingSource(ReadSource inner) {
            this.inner = inner;
        }

        @Override
        public long size() throws IOException {
            return inner.size();
        }

        @Override
        public int read(long position, byte[] buf, int off, int len) throws IOException {
            int n = inner.read(position, buf, off, len);
            bytesRead += Math.max(0, n);
            return n;
        }
    }

    @Test
    void fixed40GiBDiskIsInspectedFromItsMetadataOnly(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("fixed-40g.vhd");
        VhdImage v = VhdImage.fixed();
        v.currentSize = 40 * GIB;
        v.cylinders = 65535;
        v.heads = 16;
        v.sectorsPerTrack = 255;
        v.creator = "qem2";
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(40 * GIB + 512);
            raf.seek(40 * GIB);
            raf.write(v.footer());
        }
        try (FileReadSource src = FileReadSource.open(file)) {
            CountingSource counting = new CountingSource(src);
            Inspection none = new VhdInspector().inspect(counting, Limits.NONE);
            assertThat(none.accepted()).as(none.toString()).isTrue();
            assertThat(none.virtualSize()).isEqualTo(40 * GIB);
            assertThat(counting.bytesRead).isLessThanOrEqualTo(1024);

            counting.bytesRead = 0;
            Inspection rackspace = new VhdInspector().inspect(counting, Limits.RACKSPACE);
            // Virtual size is exactly the limit (passes 413); the file is limit + 512 (fails 609).
            assertThat(rackspace.rejection().code()).isEqualTo("609");
            assertThat(counting.bytesRead).isLessThanOrEqualTo(1024);
        }
    }
}
