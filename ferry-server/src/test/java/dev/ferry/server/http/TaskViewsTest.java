package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.server.tasks.Task;
import dev.ferry.server.tasks.TaskProgress;
import dev.ferry.server.tasks.TaskStatus;
import dev.ferry.server.tasks.TaskType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The streamed task views (pre-encoded names, times written from a scratch buffer) are Glance's bodies. */
class TaskViewsTest {

    private final JsonMapper json = Json.standard();
    private final TaskViews views = new TaskViews(json);
    private static final UUID ID = UUID.fromString("0f8e4b0c-3a57-4d2e-9a41-6b1c2d3e4f50");
    private static final Instant CREATED = Instant.parse("2026-11-22T23:40:05.250Z");
    private static final Instant UPDATED = Instant.parse("2026-11-22T23:40:07Z");
    private static final Instant EXPIRES = Instant.parse("2026-11-24T23:40:07Z");

    @Test
    void fullViewOfAFinishedTask() {
        Task t = new Task(ID, TaskType.IMPORT, TaskStatus.SUCCESS, "owner \"quoted\" \u00e9", "{\"import_from\":\"x\"}",
                "{\"image_id\":\"i\"}", "done\n", CREATED, UPDATED, EXPIRES, "req-1", "user-1", "image-1",
                new TaskProgress(5, 10), 1);
        JsonNode expected = json.readTree("""
                {"id": "0f8e4b0c-3a57-4d2e-9a41-6b1c2d3e4f50", "input": {"import_from": "x"}, "type": "import",
                 "status": "success", "owner": "owner \\"quoted\\" \u00e9", "message": "done\\n",
                 "result": {"image_id": "i"}, "created_at": "2026-11-22T23:40:05Z",
                 "updated_at": "2026-11-22T23:40:07Z", "self": "/v2/tasks/0f8e4b0c-3a57-4d2e-9a41-6b1c2d3e4f50",
                 "schema": "/v2/schemas/task", "request_id": "req-1", "user_id": "user-1",
                 "expires_at": "2026-11-24T23:40:07Z", "image_id": "image-1",
                 "progress": {"bytes_done": 5, "bytes_total": 10}}""");
        assertThat(parse(views.full(t))).isEqualTo(expected);
    }

    @Test
    void fullViewOfAPendingTaskHasNullInputAndResult() {
        Task t = new Task(ID, TaskType.API_IMAGE_IMPORT, TaskStatus.PENDING, "o", null, null, "", CREATED, CREATED,
                null, null, null, null, null, 0);
        JsonNode body = parse(views.full(t));
        assertThat(body.get("input").isNull()).isTrue();
        assertThat(body.get("result").isNull()).isTrue();
        assertThat(body.get("type").asString()).isEqualTo("api_image_import");
        assertThat(body.get("status").asString()).isEqualTo("pending");
        assertThat(body.has("expires_at")).isFalse();
        assertThat(body.has("progress")).isFalse();
    }

    @Test
    void pageOfStubsWithLinks() {
        Task a = new Task(ID, TaskType.EXPORT, TaskStatus.FAILURE, "o", null, null, "", CREATED, UPDATED, EXPIRES,
                null, null, null, null, 0);
        // a year the fast formatter does not handle goes through ISO_INSTANT
        Instant far = Instant.parse("+10000-01-01T00:00:00Z");
        UUID other = UUID.fromString("00000000-0000-4000-8000-000000000001");
        Task b = new Task(other, TaskType.IMPORT, TaskStatus.PROCESSING, "p", null, null, "", far, far, null,
                null, null, null, null, 0);
        JsonNode expected = json.readTree("""
                {"tasks": [
                  {"id": "0f8e4b0c-3a57-4d2e-9a41-6b1c2d3e4f50", "type": "export", "status": "failure", "owner": "o",
                   "created_at": "2026-11-22T23:40:05Z", "updated_at": "2026-11-22T23:40:07Z",
                   "self": "/v2/tasks/0f8e4b0c-3a57-4d2e-9a41-6b1c2d3e4f50", "schema": "/v2/schemas/task",
                   "expires_at": "2026-11-24T23:40:07Z"},
                  {"id": "00000000-0000-4000-8000-000000000001", "type": "import", "status": "processing", "owner": "p",
                   "created_at": "+10000-01-01T00:00:00Z", "updated_at": "+10000-01-01T00:00:00Z",
                   "self": "/v2/tasks/00000000-0000-4000-8000-000000000001", "schema": "/v2/schemas/task"}],
                 "first": "/v2/tasks?limit=2&x=%22", "schema": "/v2/schemas/tasks",
                 "next": "/v2/tasks?limit=2&marker=\\"m\\""}""");
        assertThat(parse(views.page(List.of(a, b), "/v2/tasks?limit=2&x=%22", "/v2/tasks?limit=2&marker=\"m\"")))
                .isEqualTo(expected);
        assertThat(parse(views.page(List.of(), "/v2/tasks", null)).has("next")).isFalse();
    }

    private JsonNode parse(byte[] body) {
        return json.readTree(new String(body, StandardCharsets.UTF_8));
    }
}
