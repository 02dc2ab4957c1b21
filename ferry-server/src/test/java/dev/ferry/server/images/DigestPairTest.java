package dev.ferry.server.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DigestPairTest {

    static String hex(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }

    @Test
    void arraysBuffersAndRunsOfZerosAreHashedInTheOrderFed() throws Exception {
        byte[] a = new byte[DigestPair.CHUNK_SIZE + 17];
        new Random(1).nextBytes(a);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        Checksums sums;
        try (DigestPair pair = new DigestPair()) {
            pair.update(a, 3, 1000);
            all.write(a, 3, 1000);
            pair.updateZeros(5L * DigestPair.CHUNK_SIZE + 3);
            all.write(new byte[5 * DigestPair.CHUNK_SIZE + 3]);
            ByteBuffer direct = ByteBuffer.allocateDirect(a.length).put(a).flip();
            pair.update(direct);
            assertThat(direct.position()).as("the buffer is left as it was").isZero();
            all.write(a);
            for (int i = 0; i < 40; i++) { // more chunks than the pool holds
                pair.update(a, 0, a.length);
                all.write(a);
            }
            pair.updateZeros(0);
            sums = pair.finish();
            assertThat(pair.finish()).isSameAs(sums);
            assertThatThrownBy(() -> pair.update(a, 0, 1)).isInstanceOf(IllegalStateException.class);
        }
        byte[] expected = all.toByteArray();
        assertThat(sums.size()).isEqualTo(expected.length);
        assertThat(sums.md5()).isEqualTo(hex("MD5", expected));
        assertThat(sums.sha512()).isEqualTo(hex("SHA-512", expected));
    }

    @Test
    void nothingFedIsTheDigestOfNoBytes() throws Exception {
        try (DigestPair pair = new DigestPair()) {
            assertThat(pair.finish().md5()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        }
    }

    @Test
    void aClosedPairGivesNoDigest() throws Exception {
        DigestPair pair = new DigestPair();
        pair.update(new byte[10], 0, 10);
        pair.close();
        assertThatThrownBy(pair::finish).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pair.updateZeros(1)).isInstanceOf(IllegalStateException.class);
    }
}
