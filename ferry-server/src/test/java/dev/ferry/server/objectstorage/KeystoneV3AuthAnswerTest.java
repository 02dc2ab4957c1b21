package dev.ferry.server.objectstorage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeystoneV3AuthAnswerTest {

    private static final String CATALOG = "\"catalog\":[{\"type\":\"object-store\",\"endpoints\":["
            + "{\"interface\":\"public\",\"url\":\"https://swift.example/v1/AUTH_x\"},"
            + "{\"interface\":\"internal\",\"url\":\"http://10.0.0.5:8080/v1/AUTH_x\"}]}]";

    private static KeystoneV3Auth.Authenticated read(String json) throws SwiftException {
        return KeystoneV3Auth.readAnswer(json.getBytes(StandardCharsets.UTF_8), "tok", 201, "public", "demo");
    }

    @Test
    void readsTheEndpointOfTheConfiguredInterfaceAndTheExpiry() throws SwiftException {
        KeystoneV3Auth.Authenticated a = read("{\"token\":{\"expires_at\":\"2026-11-23T07:00:00.000000Z\"," + CATALOG + "}}");
        assertThat(a.session().storageUrl()).isEqualTo(URI.create("https://swift.example/v1/AUTH_x"));
        assertThat(a.expiresAt()).isEqualTo(Instant.parse("2026-11-23T07:00:00Z"));
    }

    /** Fuzzing finding: a non-string expires_at escaped as Jackson's JsonNodeException, not a SwiftException. */
    @Test
    void aNonStringExpiryIsASwiftException() {
        for (String expires : new String[] {"{\"a\":[1]}", "[]", "7", "true"}) {
            assertThatThrownBy(() -> read("{\"token\":{\"expires_at\":" + expires + "," + CATALOG + "}}"))
                    .as(expires).isInstanceOf(SwiftException.class)
                    .hasMessageContaining("unreadable expires_at");
        }
    }
}
