import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Reference for bench/import-bench.sh: one pass of a JDK MessageDigest (SHA-512 by default) over a
 * file, read in 1 MiB pieces from the page cache, as Ferry's digest threads see the bytes. Prints
 * the wall time and the thread's CPU time of the best of 3 passes (JVM start and warm-up
 * excluded): "wall (cpu)".
 *
 *   java bench/DigestPass.java FILE [ALGORITHM]
 */
public final class DigestPass {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String algorithm = args.length > 1 ? args[1] : "SHA-512";
        byte[] buf = new byte[1 << 20];
        double best = Double.MAX_VALUE;
        double bestCpu = Double.MAX_VALUE;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int run = 0; run < 4; run++) {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            long t0 = System.nanoTime();
            long c0 = threads.getCurrentThreadCpuTime();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer bb = ByteBuffer.wrap(buf);
                while (true) {
                    bb.clear();
                    int n = ch.read(bb);
                    if (n < 0) {
                        break;
                    }
                    md.update(buf, 0, n);
                }
            }
            md.digest();
            double s = (System.nanoTime() - t0) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
            if (run > 0) { // the first pass warms the JIT up
                best = Math.min(best, s);
                bestCpu = Math.min(bestCpu, cpu);
            }
        }
        System.out.printf("%.2f (cpu %.2f)%n", best, bestCpu);
    }
}
