package dev.ferry.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.server.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenCacheTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Identity ANN = new Identity("p1", "ann", Set.of("member"));

    @Test
    void anEntryLivesForTheTtl() {
        MutableClock clock = new MutableClock(T0);
        TokenCache cache = new TokenCache(clock, Duration.ofSeconds(300), 10);
        cache.put("d1", ANN, T0.plusSeconds(3600));
        clock.advance(Duration.ofSeconds(299));
        assertThat(cache.get("d1")).contains(ANN);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.get("d1")).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void anEntryNeverOutlivesItsToken() {
        MutableClock clock = new MutableClock(T0);
        TokenCache cache = new TokenCache(clock, Duration.ofSeconds(300), 10);
        cache.put("d1", ANN, T0.plusSeconds(10));
        clock.advance(Duration.ofSeconds(9));
        assertThat(cache.get("d1")).contains(ANN);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.get("d1")).isEmpty();
    }

    @Test
    void theLeastRecentlyUsedEntryIsEvictedWhenFull() {
        TokenCache cache = new TokenCache(new MutableClock(T0), Duration.ofSeconds(300), 2);
        cache.put("a", ANN, null);
        cache.put("b", ANN, null);
        assertThat(cache.get("a")).isPresent(); // "b" is now the eldest
        cache.put("c", ANN, null);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("b")).isEmpty();
        assertThat(cache.get("a")).isPresent();
        assertThat(cache.get("c")).isPresent();
    }

    @Test
    void aZeroTtlCachesNothing() {
        TokenCache cache = new TokenCache(new MutableClock(T0), Duration.ZERO, 10);
        cache.put("a", ANN, null);
        assertThat(cache.get("a")).isEmpty();
    }
}
