package dev.ferry.server.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChecksummingInputStreamTest {

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static String hex(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63, 4096, ChecksummingInputStream.CHUNK_SIZE - 1, ChecksummingInputStream.CHUNK_SIZE,
        ChecksummingInputStream.CHUNK_SIZE + 1, 3_000_017, 24 * 1024 * 1024 + 5})
    void matchesMessageDigestAndPassesBytesThrough(int size) throws Exception {
        byte[] data = random(size);
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        Checksums sums;
        try (ChecksummingInputStream in = new ChecksummingInputStream(new ByteArrayInputStream(data))) {
            byte[] buffer = new byte[7919]; // odd size: reads straddle chunk boundaries
            int n;
            while ((n = in.read(buffer)) >= 0) {
                copy.write(buffer, 0, n);
            }
            sums = in.finish();
            assertThat(in.finish()).isSameAs(sums);
        }
        assertThat(copy.toByteArray()).isEqualTo(data);
        assertThat(sums.size()).isEqualTo(size);
        assertThat(sums.md5()).isEqualTo(hex("MD5", data));
        assertThat(sums.sha512()).isEqualTo(hex("SHA-512", data));
    }

    @Test
    void emptyStreamHasTheWellKnownDigests() throws IOException {
        try (ChecksummingInputStream in = new ChecksummingInputStream(InputStream.nullInputStream())) {
            assertThat(in.read()).isEqualTo(-1);
            Checksums sums = in.finish();
            assertThat(sums.md5()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
            assertThat(sums.sha512()).startsWith("cf83e1357eefb8bd");
            assertThat(sums.size()).isZero();
        }
    }

    @Test
    void singleByteReadsSkipAndTransferToAreAllDigested() throws Exception {
        byte[] data = random(300_000);
        try (ChecksummingInputStream in = new ChecksummingInputStream(new ByteArrayInputStream(data))) {
            for (int i = 0; i < 1000; i++) {
                assertThat(in.read()).isEqualTo(data[i] & 0xff);
            }
            assertThat(in.skip(50_000)).isEqualTo(50_000);
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            assertThat(in.transferTo(rest)).isEqualTo(data.length - 51_000);
            assertThat(in.readAllBytes()).isEmpty();
            Checksums sums = in.finish();
            assertThat(sums.md5()).isEqualTo(hex("MD5", data));
            assertThat(sums.sha512()).isEqualTo(hex("SHA-512", data));
            assertThat(sums.size()).isEqualTo(data.length);
            assertThat(in.bytesRead()).isEqualTo(data.length);
        }
    }

    @Test
    void finishBeforeTheEndIsRefused() throws IOException {
        byte[] data = random(1_000_000);
        try (ChecksummingInputStream in = new ChecksummingInputStream(new ByteArrayInputStream(data))) {
            assertThat(in.readNBytes(500_000)).hasSize(500_000);
            assertThatThrownBy(in::finish)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("checksums are only known at the end of the stream (read 500000 bytes so far)");
            // reading on still works and the final digests cover everything
            in.readAllBytes();
            assertThat(in.finish().size()).isEqualTo(data.length);
        }
    }

    @Test
    void closingEarlyStopsTheDigestsAndFinishStaysRefused() throws IOException {
        boolean[] closed = {false};
        InputStream source = new ByteArrayInputStream(random(2_000_000)) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        ChecksummingInputStream in = new ChecksummingInputStream(source);
        in.readNBytes(1_500_000);
        in.close();
        assertThat(closed[0]).isTrue();
        assertThatThrownBy(in::finish).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("stream closed");
    }

    @Test
    void aFailingSourcePropagatesItsError() {
        InputStream failing = new InputStream() {
            private int left = 400_000;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    throw new IOException("source broke");
                }
                left--;
                return 1;
            }
        };
        try (ChecksummingInputStream in = new ChecksummingInputStream(failing)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessage("source broke");
            assertThatThrownBy(in::finish).isInstanceOf(IllegalStateException.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void checksumsValidateTheirFields() {
        String md5 = "d41d8cd98f00b204e9800998ecf8427e";
        String sha = "a".repeat(128);
        assertThatThrownBy(() -> new Checksums(md5.toUpperCase(), sha, 0)).hasMessageContaining("md5");
        assertThatThrownBy(() -> new Checksums(md5, "abc", 0)).hasMessageContaining("sha512");
        assertThatThrownBy(() -> new Checksums(md5, sha, -1)).hasMessageContaining("size");
        assertThat(new Checksums(md5, sha, 5).size()).isEqualTo(5);
    }
}
