package dev.ferry.server.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Validated tokens, by SHA-256 digest (the raw token is never kept): at most {@code capacity}
 * entries, least recently used evicted first; an entry lives {@code ttl} or until its token
 * expires, whichever is sooner. A {@code ttl} of zero disables caching.
 */
public final class TokenCache {

    private record Cached(Identity identity, Instant until) {
    }

    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Cached> entries;

    public TokenCache(Clock clock, Duration ttl, int capacity) {
        if (ttl.isNegative() || capacity < 1) {
            throw new IllegalArgumentException("ttl must be >= 0 and capacity >= 1");
        }
        this.clock = Objects.requireNonNull(clock);
        this.ttl = ttl;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The identity of a token validated earlier, if its entry has not expired. */
    public synchronized Optional<Identity> get(String digest) {
        Cached e = entries.get(digest);
        if (e == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(e.until())) {
            entries.remove(digest);
            return Optional.empty();
        }
        return Optional.of(e.identity());
    }

    /** Remembers a valid token until {@code now + ttl} or {@code tokenExpires}, whichever is first. */
    public synchronized void put(String digest, Identity identity, Instant tokenExpires) {
        if (ttl.isZero()) {
            return;
        }
        Instant until = clock.instant().plus(ttl);
        if (tokenExpires != null && tokenExpires.isBefore(until)) {
            until = tokenExpires;
        }
        entries.put(digest, new Cached(identity, until));
    }

    public synchronized int size() {
        return entries.size();
    }
}
