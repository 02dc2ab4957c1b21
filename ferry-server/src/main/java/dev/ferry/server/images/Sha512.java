package dev.ferry.server.images;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Where {@link DigestPair} gets its SHA-512. This version, for Java 21, always answers the JDK's.
 * The jar is multi-release: on Java 22 and later, {@code META-INF/versions/22} holds a version of
 * this class that prefers OpenSSL's libcrypto through the foreign function API (about 15 % less
 * CPU per byte on this project's machines, see docs/benchmarks.md "Import"), and falls back to the
 * JDK's when the library cannot be used.
 */
final class Sha512 {

    private Sha512() {
    }

    /** A new SHA-512 digest. */
    static MessageDigest newDigest() {
        return jdk();
    }

    /** Which implementation {@link #newDigest()} returns, for the server's start-up log. */
    static String implementation() {
        return "JDK";
    }

    static MessageDigest jdk() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is required of every Java platform", e);
        }
    }
}
