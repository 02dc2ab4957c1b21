package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.helidon.http.Status;
import tools.jackson.databind.JsonNode;

/**
 * A request body as {@link ApiSupport#parseJsonBody} reads it (the step after the bounded read of
 * every JSON request): a tree no deeper than the limit, or an {@link ApiException} 400 (413 over
 * the size), never another exception.
 */
class JsonBodyFuzzTest {

    static final int MAX_DEPTH = 8;
    static final long MAX_BODY = 4096;
    static final ApiSupport API = new ApiSupport(Json.standard(), null, MAX_BODY, MAX_DEPTH);

    @FuzzTest(maxDuration = "60s")
    void parsesWithinLimitsOrIs400(byte[] body) {
        JsonNode tree;
        try {
            tree = API.parseJsonBody(body);
        } catch (ApiException e) {
            assertThat(e.status()).isIn(Status.BAD_REQUEST_400, Status.REQUEST_ENTITY_TOO_LARGE_413);
            assertThat(e.status() == Status.REQUEST_ENTITY_TOO_LARGE_413).isEqualTo(body.length > MAX_BODY);
            return;
        }
        assertThat(body.length).isLessThanOrEqualTo((int) MAX_BODY);
        assertThat(depth(tree)).isLessThanOrEqualTo(MAX_DEPTH);
    }

    static int depth(JsonNode node) {
        if (!node.isContainer()) {
            return 0;
        }
        int max = 0;
        for (JsonNode child : node) {
            max = Math.max(max, depth(child));
        }
        return max + 1;
    }
}
