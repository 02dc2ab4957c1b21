package dev.ferry.format.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Zero detection decides what the output leaves as holes: a wrong answer either loses data or wastes space. */
class ZerosTest {

    @Test
    void directBufferRangesAreZeroExactlyWhenEveryByteIs() {
        int size = 3 * 64 * 1024 + 100; // more than one comparison window, odd tail
        ByteBuffer buf = ByteBuffer.allocateDirect(size);
        assertThat(Zeros.isZero(buf, 0, size)).isTrue();
        for (int at : new int[] {0, 1, 7, 8, 4095, 4096, 64 * 1024, size - 1}) {
            buf.put(at, (byte) 1);
            assertThat(Zeros.isZero(buf, 0, size)).as("non-zero byte at %d", at).isFalse();
            // ranges that end before or start after the byte are still zero
            assertThat(Zeros.isZero(buf, 0, at)).isTrue();
            assertThat(Zeros.isZero(buf, at + 1, size - at - 1)).isTrue();
            // ranges shorter than a long around it
            assertThat(Zeros.isZero(buf, at, 1)).isFalse();
            buf.put(at, (byte) 0);
        }
        assertThat(Zeros.isZero(buf, 5, 0)).isTrue();
    }

    @Test
    void arrayRangesAgree() {
        byte[] a = new byte[70_000];
        assertThat(Zeros.isZero(a, 0, a.length)).isTrue();
        a[69_999] = (byte) 0x80;
        assertThat(Zeros.isZero(a, 0, a.length)).isFalse();
        assertThat(Zeros.isZero(a, 0, 69_999)).isTrue();
    }
}
