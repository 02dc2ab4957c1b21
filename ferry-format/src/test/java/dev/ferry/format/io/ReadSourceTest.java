package dev.ferry.format.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ReadSourceTest {

    @Test
    void readFullyReadsAcrossShortReads() throws IOException {
        byte[] data = {1, 2, 3, 4, 5, 6, 7};
        ReadSource oneByteAtATime = new ReadSource() {
            @Override
            public long size() {
                return data.length;
            }

            @Override
            public int read(long position, byte[] buf, int off, int len) {
                if (position >= data.length) {
                    return -1;
                }
                buf[off] = data[(int) position];
                return 1;
            }
        };
        assertThat(oneByteAtATime.readFully(2, 4)).containsExactly(3, 4, 5, 6);
    }

    @Test
    void readFullyPastTheEndIsEof() {
        ReadSource source = new ByteArrayReadSource(new byte[10]);
        assertThatThrownBy(() -> source.readFully(8, 4)).isInstanceOf(EOFException.class);
    }

    @Test
    void aSourceThatMakesNoProgressFailsInsteadOfSpinning() {
        ReadSource stuck = new ReadSource() {
            @Override
            public long size() {
                return 100;
            }

            @Override
            public int read(long position, byte[] buf, int off, int len) {
                return 0;
            }
        };
        assertThatThrownBy(() -> stuck.readFully(0, 8)).isInstanceOf(IOException.class)
                .hasMessageContaining("no bytes");
    }
}
