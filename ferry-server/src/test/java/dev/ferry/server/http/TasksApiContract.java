package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The tasks API as the Glance transcript shows it, driven over HTTP against a real server. Each
 * subclass runs it on one database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TasksApiContract {

    static final String GOOD_INPUT = "{\"import_from\": \"http://images.example.com/small.qcow2\", "
            + "\"import_from_format\": \"qcow2\", \"image_properties\": {\"name\": \"x\", \"disk_format\": \"qcow2\", "
            + "\"container_format\": \"bare\"}}";

    TestServer server;

    abstract String databaseUrl(Path dir);

    @BeforeAll
    void start(@TempDir Path dir) {
        // 8443 is both allowed and denied: denied wins (url.denied_ports)
        server = new TestServer(dir, databaseUrl(dir),
                Map.of("url.allowed_ports", "80,443,8443", "url.denied_ports", "8443"), Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String[] as(String project, String roles) {
        return new String[] {"X-Tenant-Id", project, "X-User-Id", "user-" + project, "X-Roles", roles};
    }

    static String project() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    Reply create(String project, String body) {
        return server.postJson("/v2/tasks", body, as(project, "admin,member"));
    }

    String createImport(String project) {
        Reply r = create(project, "{\"type\": \"import\", \"input\": " + GOOD_INPUT + "}");
        assertThat(r.status()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    // --- discovery and schemas

    @Test
    void rootAnswersMultipleChoicesWithTheVersionsDocument() {
        Reply r = server.get("/");
        assertThat(r.status()).isEqualTo(300);
        JsonNode versions = r.json().get("versions");
        assertThat(versions.get(0).get("id").asString()).isEqualTo("v2.15");
        assertThat(versions.get(0).get("status").asString()).isEqualTo("CURRENT");
        assertThat(versions.get(0).get("links").get(0).get("href").asString()).isEqualTo(server.base() + "/v2/");
        assertThat(server.get("/versions").status()).isEqualTo(200);
    }

    @Test
    void schemasAreServedFromTheEnforcedFiles() throws Exception {
        for (String name : List.of("task", "tasks")) {
            Reply r = server.get("/v2/schemas/" + name);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            try (var in = getClass().getClassLoader().getResourceAsStream("schemas/" + name + ".json")) {
                assertThat(r.json()).isEqualTo(TestServer.JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
        assertThat(server.get("/v2/schemas/task").json().get("name").asString()).isEqualTo("task");
        // python-glanceclient needs the image schema to use v2 at all, and must not see a "stores" property
        JsonNode image = server.get("/v2/schemas/image").json();
        assertThat(image.get("name").asString()).isEqualTo("image");
        assertThat(image.get("properties").has("stores")).isFalse();
        assertThat(server.get("/v2/schemas/images").status()).isEqualTo(200);
        assertThat(server.send("POST", "/v2/schemas/task", "{}").status()).isEqualTo(405);
    }

    // --- create

    @Test
    void createAnswers201WithAbsoluteLocationAndTheFullPendingTask() {
        String p = project();
        Reply r = create(p, "{\"type\": \"import\", \"input\": " + GOOD_INPUT + "}");
        assertThat(r.status()).isEqualTo(201);
        JsonNode t = r.json();
        String id = t.get("id").asString();
        assertThat(UUID.fromString(id)).isNotNull();
        assertThat(r.header("Location")).isEqualTo(server.base() + "/v2/tasks/" + id);
        assertThat(t.get("type").asString()).isEqualTo("import");
        assertThat(t.get("status").asString()).isEqualTo("pending");
        assertThat(t.get("message").asString()).isEmpty();
        assertThat(t.get("result").isNull()).isTrue();
        assertThat(t.get("owner").asString()).isEqualTo(p);
        assertThat(t.get("user_id").asString()).isEqualTo("user-" + p);
        assertThat(t.get("request_id").asString()).isEqualTo(r.header("X-Openstack-Request-Id")).startsWith("req-");
        assertThat(t.get("self").asString()).isEqualTo("/v2/tasks/" + id);
        assertThat(t.get("schema").asString()).isEqualTo("/v2/schemas/task");
        assertThat(t.get("input")).isEqualTo(TestServer.JSON.readTree(GOOD_INPUT));
        assertThat(t.has("expires_at")).isFalse();
        assertThat(t.get("created_at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    }

    @Test
    void statusInTheBodyIsIgnored() {
        Reply r = create(project(), "{\"type\": \"import\", \"status\": \"success\", \"input\": " + GOOD_INPUT + "}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("status").asString()).isEqualTo("pending");
    }

    @Test
    void noContentTypeIsAccepted() {
        Reply r = server.send("POST", "/v2/tasks", "{\"type\": \"import\", \"input\": " + GOOD_INPUT + "}");
        assertThat(r.status()).isEqualTo(201);
    }

    @Test
    void aDeniedPortIsRefusedLikeOtherRefusedPortsEvenIfAllowed() {
        String p = project();
        String denied = "https://images.example.com:8443/a.qcow2";
        Reply r = create(p, "{\"type\": \"import\", \"input\": {\"import_from\": \"" + denied + "\"}}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message()).isEqualTo("URI for legacy import task does not pass filtering: " + denied
                + " (URL port 8443 is denied by policy)");
        assertThat(r.json().get("code").asString()).isEqualTo("400 Bad Request");
        assertThat(server.get("/v2/tasks?owner=" + p).json().get("tasks")).isEmpty();
        // the other allowed ports still work
        Reply ok = create(p, "{\"type\": \"import\", \"input\": " + GOOD_INPUT.replace("http://images.example.com/",
                "https://images.example.com:443/") + "}");
        assertThat(ok.status()).as(ok.raw().body()).isEqualTo(201);
    }

    @Test
    void synchronousFailuresAre400WithGlanceMessages() {
        String p = project();
        Map<String, String> cases = Map.ofEntries(
                Map.entry("{\"type\": \"foo\", \"input\": {}}", "Provided object does not match schema 'task'"),
                Map.entry("{\"type\": \"import\"}", "Task 'input' is required"),
                Map.entry("{\"input\": {\"import_from\": \"http://images.example.com/a\"}}", "Task 'type' is required"),
                Map.entry("{\"type\": \"import\", \"input\": \"http://images.example.com/a\"}",
                        "Provided object does not match schema 'task'"),
                Map.entry("{\"type\": \"import\", \"input\": null}", "Invalid location: None"),
                Map.entry("{\"type\": \"import\", \"input\": {}}", "Invalid location: None"),
                Map.entry("{\"type\": \"import\", \"input\": {\"import_from\": \"file:///etc/passwd\"}}",
                        "File based imports are not allowed. Please use a non-local source of image data."),
                Map.entry("{\"type\": \"import\", \"input\": {\"import_from\": \"ftp://images.example.com/a\"}}",
                        "The given uri is not valid."),
                Map.entry("{\"type\": \"import\", \"input\": {\"import_from\": \"swift+http://images.example.com/a\"}}",
                        "The given uri is not valid."),
                Map.entry("{\"type\": \"import\", \"input\": {\"import_from\": \"http://localhost:18080/a\"}}",
                        "URI for legacy import task does not pass filtering: http://localhost:18080/a"),
                Map.entry("{\"type\": \"import\", \"input\": {\"import_from\": \"http://127.0.0.1/a\"}}",
                        "URI for legacy import task does not pass filtering: http://127.0.0.1/a"),
                Map.entry("{\"type\": \"import\", \"input\": {\"import_from\": \"http://169.254.169.254/latest\"}}",
                        "does not pass filtering"),
                Map.entry("{\"type\": \"import\", \"input\": {\"import_from\": \"http://images.example.com:18081/a\"}}",
                        "URI for legacy import task does not pass filtering: http://images.example.com:18081/a"),
                Map.entry("{\"type\": \"import\", \"input\": {", "Malformed JSON in request body."),
                Map.entry("{\"type\": \"import\", \"input\": {}} trailing", "Malformed JSON in request body."),
                Map.entry("[1,2]", "Task 'type' is required"),
                Map.entry("42", "Unexpected body type. Expected list/dict."),
                Map.entry("{\"type\": \"import\", \"bogus\": 1, \"input\": " + GOOD_INPUT + "}",
                        "Additional properties are not allowed"),
                Map.entry("{\"type\": 7, \"input\": {}}", "Provided object does not match schema 'task'"));
        cases.forEach((body, message) -> {
            Reply r = create(p, body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.message()).as(body).contains(message.replace("Additional properties are not allowed", ""));
            assertThat(r.json().get("code").asString()).isEqualTo("400 Bad Request");
            assertThat(r.json().get("title").asString()).isEqualTo("Bad Request");
        });
        Reply extra = create(p, "{\"type\": \"import\", \"bogus\": 1, \"input\": " + GOOD_INPUT + "}");
        assertThat(extra.message()).contains("bogus");
        Reply empty = server.send("POST", "/v2/tasks", "", "Content-Type", "application/json");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.message()).isEqualTo("Body expected in request.");
        assertThat(server.get("/v2/tasks?owner=" + p).json().get("tasks")).isEmpty();
    }

    @Test
    void errorsAreJsonUnlessTheClientPrefersHtmlOrIsGlanceclient() {
        String path = "/v2/tasks/0b1e8f4e-0000-4000-8000-000000000000";
        assertThat(server.get(path, "Accept", "application/json").header("Content-Type")).startsWith("application/json");
        assertThat(server.get(path, "Accept", "*/*").header("Content-Type")).startsWith("application/json");
        for (Reply html : List.of(server.get(path, "Accept", "text/html,application/json;q=0.9"),
                server.get(path, "User-Agent", "python-glanceclient", "Accept", "*/*"))) {
            assertThat(html.status()).isEqualTo(404);
            assertThat(html.header("Content-Type")).startsWith("text/html");
            assertThat(html.raw().body()).contains("<title>404 Not Found</title>")
                    .contains("Could not find task 0b1e8f4e-0000-4000-8000-000000000000<br />");
        }
        Reply escaped = server.get("/v2/tasks?sort_dir=%3Cb%3E", "User-Agent", "python-glanceclient");
        assertThat(escaped.status()).isEqualTo(400);
        assertThat(escaped.raw().body()).doesNotContain("<b>").contains("&lt;b&gt;");
        Reply glanceclientJson = server.get(path, "User-Agent", "python-glanceclient", "Accept", "application/json");
        assertThat(glanceclientJson.json().get("code").asString()).isEqualTo("404 Not Found");
    }

    @Test
    void wrongContentTypeIs415() {
        Reply r = server.send("POST", "/v2/tasks", "{\"type\": \"import\", \"input\": " + GOOD_INPUT + "}",
                "Content-Type", "text/plain");
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.json().get("code").asString()).isEqualTo("415 Unsupported Media Type");
    }

    @Test
    void oversizedBodyIs413AndDeepJsonIs400() {
        String big = "{\"type\": \"import\", \"input\": {\"junk\": \"" + "a".repeat(1_100_000) + "\"}}";
        Reply r = server.postJson("/v2/tasks", big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("title").asString()).isEqualTo("Request Entity Too Large");
        String deep = "{\"type\": \"import\", \"input\": " + "{\"a\": ".repeat(100) + "1" + "}".repeat(100) + "}";
        Reply d = server.postJson("/v2/tasks", deep);
        assertThat(d.status()).isEqualTo(400);
        assertThat(d.message()).contains("nesting");
    }

    @Test
    void anOversizedHeaderIsRefusedWithout500() {
        Reply r = server.get("/v2/tasks", "X-Junk", "a".repeat(20000));
        assertThat(r.status()).isEqualTo(400);
    }

    @Test
    void rackspaceShapesAreAccepted() {
        String p = project();
        Reply imp = create(p, "{\"type\": \"import\", \"input\": {\"import_from\": \"exports/my-image.vhd\", "
                + "\"image_properties\": {\"name\": \"mine\"}}}");
        assertThat(imp.status()).isEqualTo(201);
        Reply exp = create(p, "{\"type\": \"export\", \"input\": {\"image_uuid\": \"" + UUID.randomUUID()
                + "\", \"receiving_swift_container\": \"exports\"}}");
        assertThat(exp.status()).isEqualTo(201);
        assertThat(exp.json().get("type").asString()).isEqualTo("export");
    }

    @Test
    void exportInputIsCheckedAtCreateTime() {
        String p = project();
        String uuid = UUID.randomUUID().toString();
        String[][] cases = {
            {"{}", "Input does not contain 'image_uuid' field"},
            {"{\"image_uuid\": \"" + uuid + "\"}", "Input does not contain 'receiving_swift_container' field"},
            {"{\"image_uuid\": \"" + uuid + "\", \"receiving_swift_container\": \"c\", \"name\": \"x\"}",
                "Unsupported element in input, please consult the documentation: 'name'"},
            {"{\"image_uuid\": 7, \"receiving_swift_container\": \"c\"}", "Input field 'image_uuid' must be a string."},
            {"{\"image_uuid\": \"" + uuid + "x\", \"receiving_swift_container\": \"c\"}",
                "Invalid image_uuid: '" + uuid + "x' is not a UUID."},
            {"{\"image_uuid\": \"" + uuid + "\", \"receiving_swift_container\": \"my.exports\"}",
                "Invalid receiving_swift_container 'my.exports': it must not contain '/', '?' or '.'."},
            {"{\"image_uuid\": \"" + uuid + "\", \"receiving_swift_container\": \"\"}",
                "Invalid receiving_swift_container '': it is empty."},
            {"{\"image_uuid\": \"" + uuid + "\", \"receiving_swift_container\": \"" + "c".repeat(257) + "\"}",
                "Invalid receiving_swift_container '" + "c".repeat(100) + "...': it is longer than 256 bytes."},
        };
        for (String[] c : cases) {
            Reply r = create(p, "{\"type\": \"export\", \"input\": " + c[0] + "}");
            assertThat(r.status()).as(c[0]).isEqualTo(400);
            assertThat(r.message()).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(server.get("/v2/tasks?type=export", as(p, "admin")).json().get("tasks")).isEmpty();
        Reply ok = create(p, "{\"type\": \"export\", \"input\": {\"image_uuid\": \"" + uuid
                + "\", \"receiving_swift_container\": \"exports\"}}");
        assertThat(ok.status()).isEqualTo(201);
        assertThat(server.get("/v2/tasks?image_id=" + uuid, as(p, "admin")).json().get("tasks")).hasSize(1);
    }

    @Test
    void anExportOfAnUppercaseImageIdIsRecordedUnderTheImagesOwnId() {
        String p = project();
        String uuid = UUID.randomUUID().toString();
        String upper = uuid.toUpperCase(java.util.Locale.ROOT);
        Reply ok = create(p, "{\"type\": \"export\", \"input\": {\"image_uuid\": \"" + upper
                + "\", \"receiving_swift_container\": \"exports\"}}");
        assertThat(ok.status()).isEqualTo(201);
        // the image's id as Ferry shows it (lowercase) finds the export: the check that orders two
        // exports of one image and GET /v2/images/{id}/tasks read the same column
        JsonNode found = server.get("/v2/tasks?image_id=" + uuid, as(p, "admin")).json().get("tasks");
        assertThat(found).hasSize(1);
        assertThat(found.get(0).get("id").asString()).isEqualTo(ok.json().get("id").asString());
        // the input is kept as it was sent
        assertThat(server.get("/v2/tasks/" + ok.json().get("id").asString(), as(p, "admin")).json()
                .get("input").get("image_uuid").asString()).isEqualTo(upper);
    }

    @Test
    void aTaskWhoseJobCannotRunFailsWithAPreciseMessageAndExpires() {
        String p = project();
        Reply r = create(p, "{\"type\": \"api_image_import\", \"input\": {}}");
        assertThat(r.status()).isEqualTo(201);
        String id = r.json().get("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                server.get("/v2/tasks/" + id).json().get("status").asString().equals("failure"));
        JsonNode t = server.get("/v2/tasks/" + id).json();
        assertThat(t.get("message").asString()).isEqualTo("Input to api_image_import task is empty.");
        assertThat(t.get("result").isNull()).isTrue();
        Instant expires = Instant.parse(t.get("expires_at").asString());
        Instant updated = Instant.parse(t.get("updated_at").asString());
        assertThat(Duration.between(updated, expires)).isBetween(Duration.ofHours(48).minusSeconds(2),
                Duration.ofHours(48).plusSeconds(2));

        String exportId = create(p, "{\"type\": \"export\", \"input\": {\"image_uuid\": \"" + UUID.randomUUID()
                + "\", \"receiving_swift_container\": \"exports\"}}").json().get("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                server.get("/v2/tasks/" + exportId).json().get("status").asString().equals("failure"));
        assertThat(server.get("/v2/tasks/" + exportId).message()).contains("Export tasks need an object store");
    }

    // --- show, verbs

    @Test
    void showReturnsTheTaskAndUnknownIdsAre404() {
        String p = project();
        String id = createImport(p);
        Reply r = server.get("/v2/tasks/" + id, as(p, "admin"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("id").asString()).isEqualTo(id);
        assertThat(r.json().has("input")).isTrue();
        Reply missing = server.get("/v2/tasks/0b1e8f4e-0000-4000-8000-000000000000");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.message()).isEqualTo("Could not find task 0b1e8f4e-0000-4000-8000-000000000000");
        assertThat(missing.json().get("code").asString()).isEqualTo("404 Not Found");
        Reply notUuid = server.get("/v2/tasks/not-a-uuid");
        assertThat(notUuid.status()).isEqualTo(404);
        assertThat(notUuid.message()).isEqualTo("Could not find task not-a-uuid");
    }

    @Test
    void otherVerbsAre405WithAllow() {
        String id = createImport(project());
        Reply del = server.send("DELETE", "/v2/tasks/" + id, null);
        assertThat(del.status()).isEqualTo(405);
        assertThat(del.header("Allow")).isEqualTo("GET");
        assertThat(del.message()).startsWith("This operation is currently not permitted on Glance Tasks.");
        for (String verb : List.of("PUT", "PATCH", "POST")) {
            Reply r = server.send(verb, "/v2/tasks/" + id, "{}", "Content-Type", "application/json");
            assertThat(r.status()).as(verb).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("GET, DELETE");
        }
        for (String verb : List.of("PUT", "PATCH", "DELETE")) {
            Reply r = server.send(verb, "/v2/tasks", null);
            assertThat(r.status()).as(verb).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("GET, POST");
        }
        assertThat(server.get("/v2/tasks/" + id).json().get("id").asString()).isEqualTo(id);
    }

    // --- policy and identity

    @Test
    void nonAdminsAreRefusedByTheDefaultPolicy() {
        String p = project();
        String id = createImport(p);
        String[] member = as(p, "member");
        for (Reply r : List.of(server.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": " + GOOD_INPUT + "}",
                        member), server.get("/v2/tasks", member), server.get("/v2/tasks/" + id, member),
                server.send("DELETE", "/v2/tasks/" + id, null, member))) {
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.message()).isEqualTo("You are not authorized to complete tasks_api_access action.");
        }
    }

    @Test
    void adminsOfAnotherProjectSeeTheTask() {
        String p = project();
        String id = createImport(p);
        Reply r = server.get("/v2/tasks/" + id, as(project(), "admin"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("owner").asString()).isEqualTo(p);
    }

    @Test
    void invalidIdentityIs401() {
        Reply r = server.get("/v2/tasks", "X-Identity-Status", "Invalid");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("title").asString()).isEqualTo("Unauthorized");
    }

    @Test
    void noIdentityHeadersMeansTheDefaultAdmin() {
        Reply r = server.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": " + GOOD_INPUT + "}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("owner").asString()).isEqualTo("default");
        assertThat(r.json().get("user_id").asString()).isEqualTo("default");
    }

    // --- list

    @Test
    void listPagesWithLimitMarkerAndGlanceLinks() {
        String p = project();
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            created.add(createImport(p));
        }
        JsonNode all = server.get("/v2/tasks?owner=" + p).json();
        assertThat(all.get("tasks")).hasSize(5);
        assertThat(all.get("first").asString()).isEqualTo("/v2/tasks?owner=" + p);
        assertThat(all.has("next")).isFalse();
        assertThat(all.get("schema").asString()).isEqualTo("/v2/schemas/tasks");
        List<String> order = new ArrayList<>();
        all.get("tasks").forEach(t -> order.add(t.get("id").asString()));
        assertThat(new HashSet<>(order)).isEqualTo(created);
        for (int i = 1; i < 5; i++) {
            assertThat(all.get("tasks").get(i - 1).get("created_at").asString())
                    .isGreaterThanOrEqualTo(all.get("tasks").get(i).get("created_at").asString());
        }
        JsonNode stub = all.get("tasks").get(0);
        assertThat(stub.has("input")).isFalse();
        assertThat(stub.has("result")).isFalse();
        assertThat(stub.has("message")).isFalse();
        assertThat(stub.get("self").asString()).isEqualTo("/v2/tasks/" + stub.get("id").asString());

        List<String> paged = new ArrayList<>();
        String next = "/v2/tasks?owner=" + p + "&limit=2";
        int pages = 0;
        while (next != null && pages++ < 10) {
            JsonNode page = server.get(next).json();
            page.get("tasks").forEach(t -> paged.add(t.get("id").asString()));
            assertThat(page.get("first").asString()).isEqualTo("/v2/tasks?owner=" + p + "&limit=2");
            next = page.has("next") ? page.get("next").asString() : null;
            if (next != null) {
                assertThat(next).isEqualTo("/v2/tasks?owner=" + p + "&limit=2&marker="
                        + page.get("tasks").get(page.get("tasks").size() - 1).get("id").asString());
            }
        }
        assertThat(paged).isEqualTo(order);
        assertThat(pages).isEqualTo(3);

        JsonNode asc = server.get("/v2/tasks?owner=" + p + "&sort_dir=asc").json();
        List<String> ascOrder = new ArrayList<>();
        asc.get("tasks").forEach(t -> ascOrder.add(t.get("id").asString()));
        assertThat(ascOrder).isEqualTo(order.reversed());
    }

    @Test
    void limitZeroIsAnEmptyPageWithoutNext() {
        JsonNode r = server.get("/v2/tasks?limit=0").json();
        assertThat(r.get("tasks")).isEmpty();
        assertThat(r.get("first").asString()).isEqualTo("/v2/tasks?limit=0");
        assertThat(r.has("next")).isFalse();
    }

    @Test
    void badListParametersAre400() {
        Map<String, String> cases = Map.of(
                "limit=-1", "limit param must be positive",
                "limit=abc", "limit param must be an integer",
                "marker=not-a-uuid", "Invalid marker format",
                "marker=0b1e8f4e-0000-4000-8000-000000000000",
                "Task with the given id 0b1e8f4e-0000-4000-8000-000000000000 was not found",
                "sort_key=foo", "Sort key supplied was not valid.",
                "sort_dir=up", "Invalid sort direction: up",
                "status=bogus", "Invalid status value: bogus",
                "type=api_image_import", "Invalid type value: api_image_import");
        cases.forEach((query, message) -> {
            Reply r = server.get("/v2/tasks?" + query);
            assertThat(r.status()).as(query).isEqualTo(400);
            assertThat(r.message()).as(query).isEqualTo(message);
        });
    }

    @Test
    void listFiltersBySortKeysStatusTypeAndIgnoresUnknownKeys() {
        String p = project();
        String imp = createImport(p);
        String failed = create(p, "{\"type\": \"api_image_import\", \"input\": {}}").json().get("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                server.get("/v2/tasks/" + failed).json().get("status").asString().equals("failure"));
        JsonNode failures = server.get("/v2/tasks?owner=" + p + "&status=failure").json().get("tasks");
        assertThat(failures).extracting(t -> t.get("id").asString()).contains(failed);
        assertThat(failures).allSatisfy(t -> assertThat(t.get("status").asString()).isEqualTo("failure"));
        JsonNode imports = server.get("/v2/tasks?owner=" + p + "&type=import").json().get("tasks");
        assertThat(imports).extracting(t -> t.get("id").asString()).containsExactly(imp);
        for (String key : List.of("created_at", "updated_at", "expires_at", "status", "type", "id")) {
            for (String dir : List.of("asc", "desc")) {
                List<String> ids = new ArrayList<>();
                String next = "/v2/tasks?owner=" + p + "&limit=1&sort_key=" + key + "&sort_dir=" + dir;
                for (int i = 0; i < 5 && next != null; i++) {
                    JsonNode page = server.get(next).json();
                    page.get("tasks").forEach(t -> ids.add(t.get("id").asString()));
                    next = page.has("next") ? page.get("next").asString() : null;
                }
                assertThat(ids).as(key + " " + dir).containsExactlyInAnyOrder(imp, failed);
            }
        }
        JsonNode byId = server.get("/v2/tasks?owner=" + p + "&sort_key=id&sort_dir=asc").json().get("tasks");
        assertThat(byId.get(0).get("id").asString()).isLessThan(byId.get(1).get("id").asString());
        assertThat(server.get("/v2/tasks?owner=" + p + "&foo=bar").json().get("tasks")).hasSize(2);
        assertThat(server.get("/v2/tasks?limit=5000").status()).isEqualTo(200);
    }

    @Test
    void unknownPathsAreJson404() {
        Reply r = server.get("/v2/nothing-here");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("code").asString()).isEqualTo("404 Not Found");
    }
}
