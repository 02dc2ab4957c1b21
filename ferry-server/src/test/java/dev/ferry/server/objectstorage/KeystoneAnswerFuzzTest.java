package dev.ferry.server.objectstorage;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Keystone's answer to Swift's password authentication (a remote server's JSON) as
 * {@link KeystoneV3Auth#readAnswer} reads it: a session for an absolute http(s) storage URL, or a
 * {@link SwiftException} (the import or export fails with its message), never another exception.
 */
class KeystoneAnswerFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void readsSessionOrFails(byte[] body) {
        KeystoneV3Auth.Authenticated a;
        try {
            a = KeystoneV3Auth.readAnswer(body, "gAAAAABtoken", 201, "public", "demo");
        } catch (SwiftException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(a.session().storageUrl().getScheme())
                .satisfiesAnyOf(s -> assertThat(s.equalsIgnoreCase("http")).isTrue(),
                        s -> assertThat(s.equalsIgnoreCase("https")).isTrue());
        assertThat(a.session().storageUrl().getHost()).isNotNull();
        assertThat(a.expiresAt()).isNotNull();
    }
}
