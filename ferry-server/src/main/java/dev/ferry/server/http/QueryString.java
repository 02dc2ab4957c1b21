package dev.ferry.server.http;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Query strings as ordered (name, value) pairs, decoded; re-encoded for pagination links. */
final class QueryString {

    private QueryString() {
    }

    static List<String[]> parse(String raw, int maxParams) {
        List<String[]> out = new ArrayList<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String part : raw.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            if (out.size() >= maxParams) {
                throw ApiException.badRequest("Too many query parameters (at most " + maxParams + ").");
            }
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            try {
                out.add(new String[] {URLDecoder.decode(name, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8)});
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("Malformed query string.");
            }
        }
        return out;
    }

    static String format(String path, List<String[]> params) {
        if (params.isEmpty()) {
            return path;
        }
        StringBuilder sb = new StringBuilder(path).append('?');
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(params.get(i)[0], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(params.get(i)[1], StandardCharsets.UTF_8));
        }
        return sb.toString();
    }
}
