package dev.ferry.server.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenSSL's SHA-512 (src/main/java22, used when the jar runs on Java 22+) gives the JDK's digests
 * whichever way the bytes are fed. The class is compiled for Java 22, so this Java 21 test reaches
 * it by name. libcrypto.so.3 is part of Debian 12 (libssl3, which .ci/run installs), so its absence
 * fails the test instead of skipping it: the server would then silently use the slower JDK digest.
 */
class OpenSslSha512Test {

    private static Class<?> openSsl;

    @BeforeAll
    static void load() throws Exception {
        openSsl = Class.forName("dev.ferry.server.images.OpenSslSha512");
        assertThat(openSsl.getDeclaredMethod("unavailableReason").invoke(null)).as("why OpenSSL is unavailable").isNull();
    }

    private static MessageDigest create() throws Exception {
        return (MessageDigest) openSsl.getDeclaredMethod("create").invoke(null);
    }

    @Test
    void matchesTheJdkForEveryWayOfFeeding() throws Exception {
        Random random = new Random(42);
        byte[] data = new byte[3 * 1024 * 1024 + 77];
        random.nextBytes(data);
        MessageDigest ours = create();
        MessageDigest jdk = Sha512.jdk();
        int pos = 0;
        int step = 0;
        ByteBuffer direct = ByteBuffer.allocateDirect(300_000);
        while (pos < data.length) {
            int n = Math.min(data.length - pos, random.nextInt(300_000));
            switch (step++ % 5) {
                case 0 -> ours.update(data, pos, n); // array slice at an offset
                case 1 -> { // direct buffer, from its position to its limit
                    direct.clear().position(3);
                    direct.put(data, pos, Math.min(n, direct.remaining() - 5)).flip().position(3);
                    n = direct.remaining();
                    ours.update(direct);
                    assertThat(direct.hasRemaining()).isFalse();
                }
                case 2 -> ours.update(ByteBuffer.wrap(data, pos, n)); // heap buffer
                case 3 -> { n = Math.min(n, 3); for (int i = 0; i < n; i++) { ours.update(data[pos + i]); } }
                default -> { n = 0; ours.update(data, pos, 0); } // nothing
            }
            jdk.update(data, pos, n);
            pos += n;
        }
        assertThat(ours.digest()).isEqualTo(jdk.digest());
    }

    @Test
    void digestResetsAndResetForgets() throws Exception {
        MessageDigest ours = create();
        byte[] empty = Sha512.jdk().digest();
        assertThat(ours.digest()).isEqualTo(empty);
        ours.update("abc".getBytes());
        byte[] abc = ours.digest();
        assertThat(abc).isEqualTo(Sha512.jdk().digest("abc".getBytes()));
        ours.update("abc".getBytes());
        assertThat(ours.digest()).as("after digest(), a fresh digest").isEqualTo(abc);
        ours.update("something".getBytes());
        ours.reset();
        assertThat(ours.digest()).isEqualTo(empty);
        assertThat(ours.getDigestLength()).isEqualTo(64);
        assertThat(ours.getAlgorithm()).isEqualTo("SHA-512");
    }
}
