package dev.ferry.format.convert;

import static org.assertj.core.api.Assertions.assertThat;

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
}
