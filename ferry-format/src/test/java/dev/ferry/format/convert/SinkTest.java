package dev.ferry.format.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.io.DirectWrites;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The asynchronous sink puts every byte where it was asked to, whatever the mix of write kinds. */
class SinkTest {

    @TempDir
    Path dir;

    @Test
    void manySmallLargeAndDirectWritesLandAtTheirOffsets() throws Exception {
        Path file = dir.resolve("out");
        Random r = new Random(7);
        // far more small writes than the queue holds, so writers must wait for the worker
        int small = 2000;
        int smallSize = 512;
        byte[] large = new byte[5 * 1024 * 1024 + 3]; // more than one pooled buffer
        r.nextBytes(large);
        ByteBuffer direct = ByteBuffer.allocateDirect(1024 * 1024);
        byte[] directBytes = new byte[direct.capacity()];
        r.nextBytes(directBytes);
        direct.put(directBytes).flip();
        long largeAt = (long) small * smallSize;
        long directAt = largeAt + large.length;
        byte[] expected = new byte[(int) (directAt + directBytes.length)];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
             Sink sink = Sink.async(ch, 1, 2)) {
            for (int i = 0; i < small; i++) {
                byte[] b = new byte[smallSize];
                r.nextBytes(b);
                sink.write((long) i * smallSize, b, 0, b.length);
                System.arraycopy(b, 0, expected, i * smallSize, smallSize);
                b[0] ^= 1; // the sink must have taken its own copy
            }
            sink.write(largeAt, large, 0, large.length);
            System.arraycopy(large, 0, expected, (int) largeAt, large.length);
            boolean[] released = new boolean[1];
            Sink.Completion done = new Sink.Completion(() -> released[0] = true);
            sink.attach(done);
            sink.write(directAt, direct);
            sink.attach(null);
            done.release();
            System.arraycopy(directBytes, 0, expected, (int) directAt, directBytes.length);
            sink.drain();
            assertThat(released[0]).isTrue();
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
    }

    /**
     * A direct sink sends whole aligned blocks past the page cache and the rest through it; the file
     * must still hold every write, whatever its kind, next to writes of the other path in the same
     * or the neighbouring block.
     */
    @Test
    void aDirectSinkMixingBothPathsWritesEveryByte() throws Exception {
        // under target/, on the build's disk: /tmp may be a tmpfs, which refuses O_DIRECT
        Path file = Files.createTempFile(Files.createDirectories(Path.of("target", "sink-test")), "direct", ".out");
        Random r = new Random(11);
        int block = 4096;
        int blocks = 3000;
        byte[] expected = new byte[blocks * block + 1234]; // a tail that is not a whole block
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
             Sink sink = Sink.asyncDirect(ch, file, 1, 2)) {
            assertThat(sink.isDirect()).as("O_DIRECT on %s", file).isTrue();
            int b = 0;
            while (b < blocks) {
                int kind = r.nextInt(4);
                int n = Math.min(blocks - b, 1 + r.nextInt(300));
                long at = (long) b * block;
                byte[] data = new byte[n * block];
                r.nextBytes(data);
                switch (kind) {
                    case 0 -> { // an aligned direct buffer of whole blocks, written asynchronously from it
                        ByteBuffer buf = DirectWrites.alignedBuffer(data.length);
                        buf.put(data).flip();
                        Sink.Completion done = new Sink.Completion(() -> { });
                        sink.attach(done);
                        sink.write(at, buf);
                        sink.attach(null);
                        done.release();
                    }
                    case 1 -> sink.write(at, data, 0, data.length); // a heap array: copied to a pooled buffer
                    case 2 -> { // small pieces not on block boundaries: through the page cache
                        int off = 0;
                        while (off < data.length) {
                            int k = Math.min(data.length - off, 1 + r.nextInt(3000));
                            sink.write(at + off, data, off, k);
                            off += k;
                        }
                    }
                    default -> { // a direct buffer that is not aligned in memory, written synchronously
                        ByteBuffer buf = ByteBuffer.allocateDirect(data.length + 1).position(1).slice();
                        buf.put(data).flip();
                        sink.write(at, buf);
                    }
                }
                System.arraycopy(data, 0, expected, (int) at, data.length);
                b += n;
            }
            byte[] tail = new byte[1234];
            r.nextBytes(tail);
            sink.write((long) blocks * block, tail, 0, tail.length);
            System.arraycopy(tail, 0, expected, blocks * block, tail.length);
            sink.drain();
            assertThat(sink.size()).isEqualTo(expected.length);
        }
        try {
            assertThat(Files.readAllBytes(file)).isEqualTo(expected);
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void alignedBuffersAreAlignedAndExactlyAsLarge() {
        ByteBuffer b = DirectWrites.alignedBuffer(12345);
        assertThat(b.capacity()).isEqualTo(12345);
        assertThat(b.alignmentOffset(0, DirectWrites.ALIGNMENT)).isZero();
    }
}
