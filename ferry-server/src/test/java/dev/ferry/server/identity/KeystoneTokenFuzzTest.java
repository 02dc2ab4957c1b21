package dev.ferry.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Keystone's answer to GET /v3/auth/tokens (a remote server's JSON) as
 * {@link KeystoneResolver#readToken} reads it: an identity, or {@link UnauthenticatedException}
 * (401) / {@link IdentityUnavailableException} (503), never another exception (a 500). An accepted
 * identity has a project and user of 1..255 characters and at most 64 roles of 1..255 characters,
 * and the token has not expired; the cache takes it.
 */
class KeystoneTokenFuzzTest {

    private static final Instant NOW = Instant.parse("2026-11-23T06:00:00Z");
    private static final TokenCache CACHE = new TokenCache(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5), 16);

    @FuzzTest(maxDuration = "60s")
    void readsIdentityOrRefuses(byte[] body) {
        KeystoneResolver.Validated v;
        try {
            v = KeystoneResolver.readToken(body, NOW);
        } catch (UnauthenticatedException | IdentityUnavailableException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        Identity who = v.identity();
        assertThat(who.projectId().length()).isBetween(1, 255);
        assertThat(who.userId().length()).isBetween(1, 255);
        assertThat(who.roles()).hasSizeLessThanOrEqualTo(64)
                .allSatisfy(r -> assertThat(r.length()).isBetween(1, 255));
        if (v.expires() != null) {
            assertThat(v.expires()).isAfter(NOW);
        }
        CACHE.put("digest", who, v.expires());
        assertThat(CACHE.get("digest")).contains(who);
    }
}
