import java.lang.reflect.Method;
import java.security.MessageDigest;
import java.util.Random;

/**
 * The digest engines behind docs/benchmarks.md "Import", in memory: 1 GiB fed as 256 KiB arrays
 * (DigestPair's chunk size) to the JDK's MD5 and SHA-512 and to Ferry's OpenSslSha512 (libcrypto
 * through the foreign function API), 3 passes each after a warm-up pass; prints seconds per pass.
 *
 *   java --enable-native-access=ALL-UNNAMED -cp ferry-server/target/ferry.jar bench/DigestEngines.java
 */
public final class DigestEngines {
    public static void main(String[] args) throws Exception {
        int chunk = 256 * 1024;
        long total = 1L << 30;
        byte[] buf = new byte[chunk];
        new Random(1).nextBytes(buf);
        Method openssl = Class.forName("dev.ferry.server.images.OpenSslSha512").getDeclaredMethod("create");
        openssl.setAccessible(true);
        for (String engine : new String[] {"JDK MD5", "JDK SHA-512", "OpenSSL SHA-512"}) {
            StringBuilder line = new StringBuilder(engine + ":");
            for (int pass = 0; pass < 4; pass++) {
                MessageDigest md = switch (engine) {
                    case "JDK MD5" -> MessageDigest.getInstance("MD5");
                    case "JDK SHA-512" -> MessageDigest.getInstance("SHA-512");
                    default -> (MessageDigest) openssl.invoke(null);
                };
                long t0 = System.nanoTime();
                for (long n = 0; n < total; n += chunk) {
                    md.update(buf, 0, chunk);
                }
                md.digest();
                if (pass > 0) { // the first pass warms the JIT up
                    line.append(String.format(" %.2f", (System.nanoTime() - t0) / 1e9));
                }
            }
            System.out.println(line.append(" s per GiB"));
        }
    }
}
