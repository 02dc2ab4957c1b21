package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.helidon.http.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The raw query of GET /v2/images and GET /v2/tasks (ISO-8859-1 bytes as they arrive): at most
 * {@code MAX} pairs or an {@link ApiException} 400, never another exception; the pairs re-encoded
 * for a pagination link parse back to themselves.
 */
class QueryStringFuzzTest {

    private static final int MAX = 20;

    @FuzzTest(maxDuration = "60s")
    void parsesOrIs400(byte[] data) {
        String raw = new String(data, StandardCharsets.ISO_8859_1);
        List<String[]> params;
        try {
            params = QueryString.parse(raw, MAX);
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(Status.BAD_REQUEST_400);
            return;
        }
        assertThat(params.size()).isLessThanOrEqualTo(MAX);
        String link = QueryString.format("/v2/images", params);
        String query = link.indexOf('?') < 0 ? "" : link.substring(link.indexOf('?') + 1);
        List<String[]> again = QueryString.parse(query, MAX);
        assertThat(again).hasSameSizeAs(params);
        for (int i = 0; i < params.size(); i++) {
            assertThat(again.get(i)).containsExactly(params.get(i));
        }
    }
}
