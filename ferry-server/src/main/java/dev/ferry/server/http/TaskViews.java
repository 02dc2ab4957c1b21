package dev.ferry.server.http;

import dev.ferry.server.tasks.Task;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Glance's task views, the full body (show, create) and the stub (list entries), written with a
 * streaming generator: the hot GET paths build no intermediate tree, and the stored
 * {@code input}/{@code result} JSON is copied as is.
 */
final class TaskViews {

    private final JsonMapper json;

    TaskViews(JsonMapper json) {
        this.json = json;
    }

    /**
     * {@code 2026-11-22T23:40:05Z}, as {@link DateTimeFormatter#ISO_INSTANT} writes whole seconds,
     * built in one char array: the list writes three per entry, and the formatter's temporaries
     * were a good part of the allocation per request.
     */
    static String time(Instant t) {
        long seconds = t.getEpochSecond();
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86400L));
        int year = day.getYear();
        if (year < 0 || year > 9999) {
            return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
        }
        int secondOfDay = (int) Math.floorMod(seconds, 86400L);
        char[] c = new char[20];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, day.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, day.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, secondOfDay / 3600, 2);
        c[13] = ':';
        digits(c, 14, secondOfDay / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, secondOfDay % 60, 2);
        c[19] = 'Z';
        return new String(c);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    byte[] full(Task t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = json.createGenerator(out)) {
            writeFull(g, t);
        }
        return out.toByteArray();
    }

    byte[] page(List<Task> tasks, String first, String next) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 320 * tasks.size());
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeName("tasks");
            g.writeStartArray();
            for (Task t : tasks) {
                writeStub(g, t);
            }
            g.writeEndArray();
            g.writeStringProperty("first", first);
            g.writeStringProperty("schema", "/v2/schemas/tasks");
            if (next != null) {
                g.writeStringProperty("next", next);
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void writeFull(JsonGenerator g, Task t) {
        String id = t.id().toString();
        g.writeStartObject();
        g.writeStringProperty("id", id);
        rawOrNull(g, "input", t.input());
        g.writeStringProperty("type", t.type().value());
        g.writeStringProperty("status", t.status().value());
        g.writeStringProperty("owner", t.owner());
        g.writeStringProperty("message", t.message());
        rawOrNull(g, "result", t.result());
        g.writeStringProperty("created_at", time(t.createdAt()));
        g.writeStringProperty("updated_at", time(t.updatedAt()));
        g.writeStringProperty("self", "/v2/tasks/" + id);
        g.writeStringProperty("schema", "/v2/schemas/task");
        if (t.requestId() != null) {
            g.writeStringProperty("request_id", t.requestId());
        }
        if (t.userId() != null) {
            g.writeStringProperty("user_id", t.userId());
        }
        if (t.expiresAt() != null) {
            g.writeStringProperty("expires_at", time(t.expiresAt()));
        }
        if (t.imageId() != null) {
            g.writeStringProperty("image_id", t.imageId());
        }
        if (t.progress() != null) {
            g.writeName("progress");
            g.writeStartObject();
            g.writeNumberProperty("bytes_done", t.progress().bytesDone());
            g.writeNumberProperty("bytes_total", t.progress().bytesTotal());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeStub(JsonGenerator g, Task t) {
        String id = t.id().toString();
        g.writeStartObject();
        g.writeStringProperty("id", id);
        g.writeStringProperty("type", t.type().value());
        g.writeStringProperty("status", t.status().value());
        g.writeStringProperty("owner", t.owner());
        g.writeStringProperty("created_at", time(t.createdAt()));
        g.writeStringProperty("updated_at", time(t.updatedAt()));
        g.writeStringProperty("self", "/v2/tasks/" + id);
        g.writeStringProperty("schema", "/v2/schemas/task");
        if (t.expiresAt() != null) {
            g.writeStringProperty("expires_at", time(t.expiresAt()));
        }
        g.writeEndObject();
    }

    // the stored text was written by Ferry from a parsed JSON object: safe to copy as is
    private static void rawOrNull(JsonGenerator g, String name, String rawJson) {
        if (rawJson == null) {
            g.writeNullProperty(name);
        } else {
            g.writeName(name);
            g.writeRawValue(rawJson);
        }
    }
}
