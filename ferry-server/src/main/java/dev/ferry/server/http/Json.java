package dev.ferry.server.http;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The JSON mappers: one bounded for untrusted request bodies, one plain for stored data. */
public final class Json {

    private Json() {
    }

    /** For request bodies: nesting depth, string and number sizes bounded; trailing tokens refused. */
    public static JsonMapper forRequests(int maxDepth, long maxBodyBytes) {
        StreamReadConstraints limits = StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth)
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxBodyBytes))
                .maxNumberLength(100)
                .maxNameLength(1024)
                .build();
        return JsonMapper.builder(JsonFactory.builder().streamReadConstraints(limits).build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /** For what Ferry itself stored or produces. */
    public static JsonMapper standard() {
        return JsonMapper.builder().build();
    }
}
