package dev.ferry.server.identity;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Derives the caller from request headers; throws {@link UnauthenticatedException} if it cannot. */
public interface IdentityResolver {

    /** @param header case-insensitive header lookup */
    Identity resolve(Function<String, Optional<String>> header);

    /** The {@code WWW-Authenticate} value sent with a 401, or null for none. */
    default String challenge() {
        return null;
    }

    /** Splits a comma list of roles, trimming blanks, at most 64 of them. */
    static Set<String> roles(String list) {
        Set<String> roles = new LinkedHashSet<>();
        for (String r : list.split(",")) {
            String t = r.trim();
            if (!t.isEmpty() && roles.size() < 64) {
                roles.add(t);
            }
        }
        return roles;
    }
}
