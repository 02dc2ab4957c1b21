package dev.ferry.server.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.format.io.ReadSource;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The block cache over an in-memory source that records its reads and can fail one block. */
class BlockCacheTest {

    static final int BLOCK = 1000;
    static final byte[] DATA = new byte[10 * BLOCK + 17];

    static {
        new Random(3).nextBytes(DATA);
    }

    /** Serves DATA; a read starting at {@code failAt} fails. */
    static final class Recording implements ReadSource {
        final List<Long> reads = new CopyOnWriteArrayList<>();
        final long failAt;

        Recording(long failAt) {
            this.failAt = failAt;
        }

        @Override
        public long size() {
            return DATA.length;
        }

        @Override
        public int read(long position, byte[] buf, int off, int len) throws IOException {
            reads.add(position);
            if (position == failAt) {
                throw new SourceException("block at " + position + " failed");
            }
            int n = (int) Math.min(len, DATA.length - position);
            System.arraycopy(DATA, (int) position, buf, off, n);
            return n;
        }
    }

    @Test
    void readingInOrderFetchesTheNextBlockAheadAndEveryBlockOnce() throws IOException {
        Recording src = new Recording(-1);
        try (BlockCache cache = new BlockCache(src, BLOCK, 2)) {
            byte[] all = new byte[DATA.length];
            for (int pos = 0; pos < DATA.length; pos += 100) {
                cache.readFully(pos, all, pos, Math.min(100, DATA.length - pos));
            }
            assertThat(all).isEqualTo(DATA);
            assertThat(src.reads).containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 5000L, 6000L, 7000L, 8000L, 9000L,
                    10000L);
            assertThat(cache.fetches()).isEqualTo(11);
        }
    }

    @Test
    void aBlockFetchedAheadThatFailedFailsOnlyTheReadThatNeedsIt() throws Exception {
        Recording src = new Recording(2 * BLOCK);
        try (BlockCache cache = new BlockCache(src, BLOCK, 4)) {
            byte[] b = new byte[10];
            cache.readFully(0, b, 0, 10);
            cache.readFully(BLOCK, b, 0, 10); // in order: block 2 is fetched ahead, and fails
            for (int i = 0; i < 200 && !src.reads.contains(2000L); i++) {
                Thread.sleep(10);
            }
            assertThat(src.reads).as("block 2 was asked for ahead").contains(2000L);
            cache.readFully(10, b, 0, 10); // cached blocks still read
            assertThat(b).isEqualTo(Arrays.copyOfRange(DATA, 10, 20));
            assertThatThrownBy(() -> cache.readFully(2 * BLOCK + 5, new byte[10], 0, 10))
                    .isInstanceOf(SourceException.class).hasMessage("block at 2000 failed");
        }
    }

    @Test
    void aSourceGivingLessThanItAnnouncedIsNotATruncatedImage() throws IOException {
        ReadSource shorter = new ReadSource() {
            @Override
            public long size() {
                return 5000;
            }

            @Override
            public int read(long position, byte[] buf, int off, int len) {
                return position >= 4500 ? -1 : (int) Math.min(len, 4500 - position);
            }
        };
        try (BlockCache cache = new BlockCache(shorter, BLOCK, 2)) {
            assertThatThrownBy(() -> cache.readFully(4000, new byte[1000], 0, 1000))
                    .isInstanceOf(SourceException.class)
                    .hasMessageStartingWith("the source ended before the 5000 bytes it announced");
        }
    }
}
