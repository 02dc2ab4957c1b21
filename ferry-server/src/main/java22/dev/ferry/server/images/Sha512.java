package dev.ferry.server.images;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Where {@link DigestPair} gets its SHA-512, on Java 22 and later (the multi-release jar's version
 * of the Java 21 class): OpenSSL's ({@link OpenSslSha512}) when libcrypto loads and passes a
 * known-answer check, else the JDK's. Decided once per process.
 */
final class Sha512 {

    private static final String OPENSSL_FAILURE = OpenSslSha512.unavailableReason();

    private Sha512() {
    }

    /** A new SHA-512 digest. */
    static MessageDigest newDigest() {
        return OPENSSL_FAILURE == null ? OpenSslSha512.create() : jdk();
    }

    /** Which implementation {@link #newDigest()} returns, for the server's start-up log. */
    static String implementation() {
        return OPENSSL_FAILURE == null ? OpenSslSha512.version() + " (libcrypto.so.3)"
                : "JDK (OpenSSL unavailable: " + OPENSSL_FAILURE + ")";
    }

    static MessageDigest jdk() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is required of every Java platform", e);
        }
    }
}
