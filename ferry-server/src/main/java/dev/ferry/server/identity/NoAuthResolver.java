package dev.ferry.server.identity;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Trusts identity headers, like Glance's unauthenticated context: {@code X-Project-Id} (or
 * {@code X-Tenant-Id}), {@code X-User-Id}, {@code X-Roles}. A request with none of them is
 * project {@code default}, user {@code default}, role {@code admin}. {@code X-Identity-Status:
 * Invalid} (set by an auth proxy that rejected the token) is a 401.
 */
public final class NoAuthResolver implements IdentityResolver {

    static final String DEFAULT = "default";

    @Override
    public Identity resolve(Function<String, Optional<String>> header) {
        if (header.apply("X-Identity-Status").map(s -> s.trim().equalsIgnoreCase("Invalid")).orElse(false)) {
            throw new UnauthenticatedException("This server could not verify that you are authorized to access "
                    + "the document you requested.");
        }
        Optional<String> project = header.apply("X-Project-Id").or(() -> header.apply("X-Tenant-Id"))
                .map(String::trim).filter(s -> !s.isEmpty());
        Optional<String> user = header.apply("X-User-Id").map(String::trim).filter(s -> !s.isEmpty());
        Optional<String> roles = header.apply("X-Roles");
        if (project.isEmpty() && user.isEmpty() && roles.isEmpty()) {
            return new Identity(DEFAULT, DEFAULT, Set.of("admin"));
        }
        try {
            return new Identity(project.orElse(DEFAULT), user.orElse(DEFAULT),
                    IdentityResolver.roles(roles.orElse("")));
        } catch (IllegalArgumentException e) {
            throw new UnauthenticatedException("Identity headers are not valid.");
        }
    }
}
