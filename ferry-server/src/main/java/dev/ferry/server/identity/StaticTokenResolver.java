package dev.ferry.server.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Tokens from a file, one per line: {@code TOKEN PROJECT USER ROLE[,ROLE...]} ({@code #}
 * comments and blank lines ignored). A request must carry {@code X-Auth-Token} with one of them.
 */
public final class StaticTokenResolver implements IdentityResolver {

    private static final int MAX_TOKENS = 100_000;

    private final Map<String, Identity> byToken;

    public StaticTokenResolver(Map<String, Identity> byToken) {
        Map<String, Identity> hashed = new HashMap<>();
        byToken.forEach((token, identity) -> hashed.put(sha256(token), identity));
        this.byToken = Map.copyOf(hashed);
    }

    // Looked up by digest so that a hash-map probe on the raw token cannot leak its prefix by timing.
    private static String sha256(String token) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a tokens file; IllegalArgumentException names the bad line. */
    public static StaticTokenResolver fromFile(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, Identity> tokens = new HashMap<>();
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length < 3 || f.length > 4) {
                throw new IllegalArgumentException(file + " line " + n + ": expected TOKEN PROJECT USER [ROLES]");
            }
            if (tokens.size() >= MAX_TOKENS) {
                throw new IllegalArgumentException(file + ": more than " + MAX_TOKENS + " tokens");
            }
            tokens.put(f[0], new Identity(f[1], f[2], IdentityResolver.roles(f.length == 4 ? f[3] : "")));
        }
        return new StaticTokenResolver(tokens);
    }

    @Override
    public Identity resolve(Function<String, Optional<String>> header) {
        String token = header.apply("X-Auth-Token").map(String::trim).orElse("");
        if (token.isEmpty() || token.length() > 4096) {
            throw new UnauthenticatedException("Authentication required: send a valid X-Auth-Token.");
        }
        Identity found = byToken.get(sha256(token));
        if (found == null) {
            throw new UnauthenticatedException("Authentication required: the X-Auth-Token is not valid.");
        }
        return found;
    }
}
