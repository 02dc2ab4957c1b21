package dev.ferry.server.images;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The digests Glance records on an image: {@code checksum} (MD5) and the multihash
 * {@code os_hash_algo=sha512} / {@code os_hash_value}, with the byte count they cover.
 *
 * @param md5    32 lower-case hex digits
 * @param sha512 128 lower-case hex digits
 * @param size   bytes digested
 */
public record Checksums(String md5, String sha512, long size) {

    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SHA512 = Pattern.compile("[0-9a-f]{128}");

    public Checksums {
        Objects.requireNonNull(md5, "md5");
        Objects.requireNonNull(sha512, "sha512");
        if (!MD5.matcher(md5).matches()) {
            throw new IllegalArgumentException("md5 must be 32 lower-case hex digits: " + md5);
        }
        if (!SHA512.matcher(sha512).matches()) {
            throw new IllegalArgumentException("sha512 must be 128 lower-case hex digits");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }
}
