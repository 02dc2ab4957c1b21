package dev.ferry.server.images;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Random;

/**
 * A benchmark program, not a test: MD5 + SHA-512 over a stream, sequential (both digests on the
 * reading thread) versus {@link ChecksummingInputStream} (one virtual thread per digest).
 *
 * <pre>
 * ./mvnw -q -B -o -pl ferry-server -am test-compile
 * java -cp ferry-server/target/classes:ferry-server/target/test-classes dev.ferry.server.images.ChecksumBench [MiB] [rounds]
 * </pre>
 */
public final class ChecksumBench {

    private ChecksumBench() {
    }

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        byte[] block = new byte[1 << 20];
        new Random(1).nextBytes(block);
        long bytes = mib << 20;
        System.out.printf("%d MiB per round, %d rounds, %d CPUs%n", mib, rounds, Runtime.getRuntime().availableProcessors());
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            sequential(new Repeat(block, bytes));
            long t1 = System.nanoTime();
            try (ChecksummingInputStream in = new ChecksummingInputStream(new Repeat(block, bytes))) {
                drain(in);
                in.finish();
            }
            long t2 = System.nanoTime();
            single("MD5", new Repeat(block, bytes));
            long t3 = System.nanoTime();
            single("SHA-512", new Repeat(block, bytes));
            long t4 = System.nanoTime();
            System.out.printf("round %d: sequential %6.1f MiB/s  ChecksummingInputStream %6.1f MiB/s  "
                    + "(MD5 alone %6.1f, SHA-512 alone %6.1f)%n",
                    r + 1, mib / secs(t0, t1), mib / secs(t1, t2), mib / secs(t2, t3), mib / secs(t3, t4));
        }
    }

    private static double secs(long from, long to) {
        return (to - from) / 1e9;
    }

    private static void sequential(InputStream in) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        MessageDigest sha = MessageDigest.getInstance("SHA-512");
        byte[] buffer = new byte[128 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            md5.update(buffer, 0, n);
            sha.update(buffer, 0, n);
        }
        md5.digest();
        sha.digest();
    }

    private static void single(String algorithm, InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance(algorithm);
        byte[] buffer = new byte[128 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, n);
        }
        digest.digest();
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[128 * 1024];
        while (in.read(buffer) >= 0) {
            // discard
        }
    }

    /** {@code total} bytes made of one block repeated: a source that costs (almost) nothing. */
    private static final class Repeat extends InputStream {
        private final byte[] block;
        private long left;
        private int pos;

        Repeat(byte[] block, long total) {
            this.block = block;
            this.left = total;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(Math.min(len, left), block.length - pos);
            System.arraycopy(block, pos, b, off, n);
            pos = (pos + n) % block.length;
            left -= n;
            return n;
        }
    }
}
