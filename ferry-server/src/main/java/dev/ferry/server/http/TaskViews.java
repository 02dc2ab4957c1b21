package dev.ferry.server.http;

import dev.ferry.server.tasks.Task;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;
import tools.jackson.databind.node.ObjectNode;

/** Glance's task views: the full body (show, create) and the stub (list entries). */
final class TaskViews {

    private final JsonMapper json;

    TaskViews(JsonMapper json) {
        this.json = json;
    }

    static String time(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    ObjectNode full(Task t) {
        ObjectNode n = json.createObjectNode();
        n.put("id", t.id().toString());
        putJson(n, "input", t.input());
        n.put("type", t.type().value());
        n.put("status", t.status().value());
        n.put("owner", t.owner());
        n.put("message", t.message());
        putJson(n, "result", t.result());
        n.put("created_at", time(t.createdAt()));
        n.put("updated_at", time(t.updatedAt()));
        n.put("self", "/v2/tasks/" + t.id());
        n.put("schema", "/v2/schemas/task");
        if (t.requestId() != null) {
            n.put("request_id", t.requestId());
        }
        if (t.userId() != null) {
            n.put("user_id", t.userId());
        }
        if (t.expiresAt() != null) {
            n.put("expires_at", time(t.expiresAt()));
        }
        if (t.imageId() != null) {
            n.put("image_id", t.imageId());
        }
        if (t.progress() != null) {
            ObjectNode p = n.putObject("progress");
            p.put("bytes_done", t.progress().bytesDone());
            p.put("bytes_total", t.progress().bytesTotal());
        }
        return n;
    }

    // the stored text was written by Ferry from a parsed object: safe to copy as is
    private static void putJson(ObjectNode n, String key, String json) {
        if (json == null) {
            n.putNull(key);
        } else {
            n.putRawValue(key, new RawValue(json));
        }
    }

    ObjectNode stub(Task t) {
        ObjectNode n = json.createObjectNode();
        n.put("id", t.id().toString());
        n.put("type", t.type().value());
        n.put("status", t.status().value());
        n.put("owner", t.owner());
        n.put("created_at", time(t.createdAt()));
        n.put("updated_at", time(t.updatedAt()));
        n.put("self", "/v2/tasks/" + t.id());
        n.put("schema", "/v2/schemas/task");
        if (t.expiresAt() != null) {
            n.put("expires_at", time(t.expiresAt()));
        }
        return n;
    }
}
