package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.convert.DiskWriter;
import dev.ferry.server.images.Checksums;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InOrderDigestTest {

    /** Writes into an array, as a raw output file would hold it. */
    static final class ArrayWriter implements DiskWriter {
        final byte[] disk;
        boolean finished;

        ArrayWriter(int size) {
            disk = new byte[size];
        }

        @Override
        public long virtualSize() {
            return disk.length;
        }

        @Override
        public void write(long offset, byte[] buf, int off, int len) {
            System.arraycopy(buf, off, disk, (int) offset, len);
        }

        @Override
        public void finish() {
            finished = true;
        }
    }

    @Test
    void theDigestsOfPiecesAndGapsAreThoseOfTheWholeOutput() throws Exception {
        ArrayWriter out = new ArrayWriter(5 * 1024 * 1024 + 123);
        byte[] piece = new byte[70_000];
        new Random(5).nextBytes(piece);
        Checksums sums;
        try (InOrderDigest digest = new InOrderDigest()) {
            DiskWriter w = digest.wrap(out);
            w.write(4096, piece, 0, piece.length);
            w.write(3 * 1024 * 1024, ByteBuffer.wrap(piece, 100, 5000));
            w.write(3 * 1024 * 1024 + 5000, piece, 7, 9);
            w.finish();
            sums = digest.result();
        }
        assertThat(out.finished).isTrue();
        assertThat(sums).isNotNull();
        assertThat(sums.size()).isEqualTo(out.disk.length);
        assertThat(sums.md5()).isEqualTo(hex("MD5", out.disk));
        assertThat(sums.sha512()).isEqualTo(hex("SHA-512", out.disk));
    }

    @Test
    void writesOutOfOrderGiveNoDigestSoThatTheCallerReadsTheFile() throws IOException {
        ArrayWriter out = new ArrayWriter(1 << 20);
        try (InOrderDigest digest = new InOrderDigest()) {
            DiskWriter w = digest.wrap(out);
            w.write(8192, new byte[10], 0, 10);
            w.write(0, new byte[] {1}, 0, 1);
            w.finish();
            assertThat(digest.result()).isNull();
        }
        assertThat(out.disk[0]).isEqualTo((byte) 1);
    }

    @Test
    void anUnfinishedConversionGivesNoDigest() throws IOException {
        try (InOrderDigest digest = new InOrderDigest()) {
            digest.wrap(new ArrayWriter(1 << 20)).write(0, new byte[10], 0, 10);
            assertThat(digest.result()).isNull();
        }
    }

    static String hex(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }
}
