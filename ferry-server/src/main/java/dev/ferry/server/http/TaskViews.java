package dev.ferry.server.http;

import dev.ferry.server.tasks.Task;
import dev.ferry.server.tasks.TaskStatus;
import dev.ferry.server.tasks.TaskType;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
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
        char[] c = new char[TIME_CHARS];
        return formatTime(t, c) ? new String(c) : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    private static final int TIME_CHARS = 20;

    /** Writes {@code t} into {@code c[0..20)}; false (nothing written) for a year outside 0..9999. */
    private static boolean formatTime(Instant t, char[] c) {
        long seconds = t.getEpochSecond();
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86400L));
        int year = day.getYear();
        if (year < 0 || year > 9999) {
            return false;
        }
        int secondOfDay = (int) Math.floorMod(seconds, 86400L);
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
        return true;
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    // Names and constant values encoded once: a list writes about 180 strings per page.
    private static final SerializableString ID = new SerializedString("id"), INPUT = new SerializedString("input"),
            TYPE = new SerializedString("type"), STATUS = new SerializedString("status"),
            OWNER = new SerializedString("owner"), MESSAGE = new SerializedString("message"),
            RESULT = new SerializedString("result"), CREATED_AT = new SerializedString("created_at"),
            UPDATED_AT = new SerializedString("updated_at"), SELF = new SerializedString("self"),
            SCHEMA = new SerializedString("schema"), REQUEST_ID = new SerializedString("request_id"),
            USER_ID = new SerializedString("user_id"), EXPIRES_AT = new SerializedString("expires_at"),
            IMAGE_ID = new SerializedString("image_id"), PROGRESS = new SerializedString("progress"),
            BYTES_DONE = new SerializedString("bytes_done"), BYTES_TOTAL = new SerializedString("bytes_total"),
            TASKS = new SerializedString("tasks"), FIRST = new SerializedString("first"),
            NEXT = new SerializedString("next"), TASK_SCHEMA = new SerializedString("/v2/schemas/task"),
            TASKS_SCHEMA = new SerializedString("/v2/schemas/tasks");
    private static final SerializableString[] TYPES = encoded(TaskType.values(), TaskType::value);
    private static final SerializableString[] STATUSES = encoded(TaskStatus.values(), TaskStatus::value);
    private static final String SELF_PREFIX = "/v2/tasks/";

    private static <E extends Enum<E>> SerializableString[] encoded(E[] values, Function<E, String> text) {
        SerializableString[] out = new SerializableString[values.length];
        for (E v : values) {
            out[v.ordinal()] = new SerializedString(text.apply(v));
        }
        return out;
    }

    byte[] full(Task t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = json.createGenerator(out)) {
            writeFull(g, t, new char[SELF_PREFIX.length() + 36]);
        }
        return out.toByteArray();
    }

    byte[] page(List<Task> tasks, String first, String next) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 320 * tasks.size());
        char[] scratch = new char[SELF_PREFIX.length() + 36];
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeName(TASKS);
            g.writeStartArray();
            for (Task t : tasks) {
                writeStub(g, t, scratch);
            }
            g.writeEndArray();
            g.writeName(FIRST);
            g.writeString(first);
            g.writeName(SCHEMA);
            g.writeString(TASKS_SCHEMA);
            if (next != null) {
                g.writeName(NEXT);
                g.writeString(next);
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void writeFull(JsonGenerator g, Task t, char[] scratch) {
        String id = t.id().toString();
        g.writeStartObject();
        string(g, ID, id);
        rawOrNull(g, INPUT, t.input());
        g.writeName(TYPE);
        g.writeString(TYPES[t.type().ordinal()]);
        g.writeName(STATUS);
        g.writeString(STATUSES[t.status().ordinal()]);
        string(g, OWNER, t.owner());
        string(g, MESSAGE, t.message());
        rawOrNull(g, RESULT, t.result());
        time(g, CREATED_AT, t.createdAt(), scratch);
        time(g, UPDATED_AT, t.updatedAt(), scratch);
        self(g, id, scratch);
        g.writeName(SCHEMA);
        g.writeString(TASK_SCHEMA);
        if (t.requestId() != null) {
            string(g, REQUEST_ID, t.requestId());
        }
        if (t.userId() != null) {
            string(g, USER_ID, t.userId());
        }
        if (t.expiresAt() != null) {
            time(g, EXPIRES_AT, t.expiresAt(), scratch);
        }
        if (t.imageId() != null) {
            string(g, IMAGE_ID, t.imageId());
        }
        if (t.progress() != null) {
            g.writeName(PROGRESS);
            g.writeStartObject();
            g.writeName(BYTES_DONE);
            g.writeNumber(t.progress().bytesDone());
            g.writeName(BYTES_TOTAL);
            g.writeNumber(t.progress().bytesTotal());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeStub(JsonGenerator g, Task t, char[] scratch) {
        String id = t.id().toString();
        g.writeStartObject();
        string(g, ID, id);
        g.writeName(TYPE);
        g.writeString(TYPES[t.type().ordinal()]);
        g.writeName(STATUS);
        g.writeString(STATUSES[t.status().ordinal()]);
        string(g, OWNER, t.owner());
        time(g, CREATED_AT, t.createdAt(), scratch);
        time(g, UPDATED_AT, t.updatedAt(), scratch);
        self(g, id, scratch);
        g.writeName(SCHEMA);
        g.writeString(TASK_SCHEMA);
        if (t.expiresAt() != null) {
            time(g, EXPIRES_AT, t.expiresAt(), scratch);
        }
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, SerializableString name, String value) {
        g.writeName(name);
        g.writeString(value);
    }

    private static void time(JsonGenerator g, SerializableString name, Instant t, char[] scratch) {
        g.writeName(name);
        if (formatTime(t, scratch)) {
            g.writeString(scratch, 0, TIME_CHARS);
        } else {
            g.writeString(time(t));
        }
    }

    // "/v2/tasks/" + id without a temporary String
    private static void self(JsonGenerator g, String id, char[] scratch) {
        g.writeName(SELF);
        SELF_PREFIX.getChars(0, SELF_PREFIX.length(), scratch, 0);
        id.getChars(0, id.length(), scratch, SELF_PREFIX.length());
        g.writeString(scratch, 0, SELF_PREFIX.length() + id.length());
    }

    // the stored text was written by Ferry from a parsed JSON object: safe to copy as is
    private static void rawOrNull(JsonGenerator g, SerializableString name, String rawJson) {
        if (rawJson == null) {
            g.writeName(name);
            g.writeNull();
        } else {
            g.writeName(name);
            g.writeRawValue(rawJson);
        }
    }
}
