package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Glance's metadata definitions catalog ({@code /v2/metadefs}) and its schemas, driven over HTTP
 * against a real server, with the status codes and shapes Glance 25 answers. Each subclass runs it
 * on one database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MetadefsApiContract {

    TestServer server;

    abstract String databaseUrl(Path dir);

    @BeforeAll
    void start(@TempDir Path dir) {
        server = new TestServer(dir, databaseUrl(dir), Map.of(), Clock.systemUTC());
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

    // --- schemas

    @Test
    void everyMetadefsSchemaIsServedWithGlancesName() throws Exception {
        Map<String, String> names = Map.of("namespace", "namespace", "namespaces", "namespaces",
                "object", "object", "objects", "objects", "property", "property", "properties", "properties",
                "resource_type", "resource_type_association", "resource_types", "resource_type_associations",
                "tag", "tag", "tags", "tags");
        for (Map.Entry<String, String> e : names.entrySet()) {
            Reply r = server.get("/v2/schemas/metadefs/" + e.getKey());
            assertThat(r.status()).as(e.getKey()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.json().get("name").asString()).as(e.getKey()).isEqualTo(e.getValue());
            try (var in = getClass().getClassLoader().getResourceAsStream("schemas/metadefs/" + e.getKey() + ".json")) {
                assertThat(r.json()).isEqualTo(TestServer.JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
        // the namespace schema describes what a namespace document holds
        JsonNode ns = server.get("/v2/schemas/metadefs/namespace").json();
        assertThat(ns.get("required").toString()).contains("namespace");
        assertThat(ns.get("properties").has("resource_type_associations")).isTrue();
        assertThat(server.get("/v2/schemas/metadefs/nothing").status()).isEqualTo(404);
        assertThat(server.send("POST", "/v2/schemas/metadefs/tag", "{}").status()).isEqualTo(405);
        assertThat(server.send("POST", "/v2/schemas/metadefs/nothing", "{}").status()).isEqualTo(404);
    }

    // --- helpers

    static final String[] ADMIN = as("admin-project", "admin,member,reader");

    Reply post(String path, String body, String... who) {
        return server.postJson("/v2/metadefs" + path, body, who);
    }

    Reply put(String path, String body, String... who) {
        String[] h = new String[who.length + 2];
        h[0] = "Content-Type";
        h[1] = "application/json";
        System.arraycopy(who, 0, h, 2, who.length);
        return server.send("PUT", "/v2/metadefs" + path, body, h);
    }

    Reply get(String path, String... who) {
        return server.get("/v2/metadefs" + path, who);
    }

    Reply delete(String path, String... who) {
        return server.send("DELETE", "/v2/metadefs" + path, null, who);
    }

    static String name(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    String namespace(String visibility, boolean isProtected) {
        String ns = name("ns");
        Reply r = post("/namespaces", "{\"namespace\": \"" + ns + "\", \"visibility\": \"" + visibility
                + "\", \"protected\": " + isProtected + "}", ADMIN);
        assertThat(r.status()).isEqualTo(201);
        return ns;
    }

    static java.util.List<String> names(JsonNode array, String field) {
        java.util.List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asString()));
        return out;
    }

    // --- hostile names and values: 400 before anything is kept, never a 500 after a commit

    @Test
    void namesThatCannotBeAddressedOrStoredAreRefusedAndNothingIsKept() {
        int before = get("/namespaces?limit=1000", ADMIN).json().get("namespaces").size();
        for (String bad : new String[] {"a\\nb", "tab\\there", ".", "..", "del\\u007f"}) {
            Reply r = post("/namespaces", "{\"namespace\": \"" + bad + "\"}", ADMIN);
            assertThat(r.status()).as(bad).isEqualTo(400);
        }
        // 41 emoji: 41 code points (the schema's count, at most 80) but 82 UTF-16 units, more than the
        // column holds in H2's count; PostgreSQL counts code points and takes it
        String emoji = "\\ud83d\\ude00".repeat(41);
        Reply wide = post("/namespaces", "{\"namespace\": \"" + name("w") + "\", \"display_name\": \"" + emoji + "\"}",
                ADMIN);
        assertThat(wide.status()).as(wide.raw().body()).isIn(201, 400);
        int created = wide.status() == 201 ? 1 : 0;
        assertThat(get("/namespaces?limit=1000", ADMIN).json().get("namespaces").size()).isEqualTo(before + created);
    }

    @Test
    void theLocationOfANameWithReservedCharactersIsOneEncodedSegment() {
        String ns = name("a b?c#d%e");
        Reply created = post("/namespaces", "{\"namespace\": \"" + ns + "\"}", ADMIN);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo(server.base() + "/v2/metadefs/namespaces/"
                + ns.replace("%", "%25").replace(" ", "%20").replace("?", "%3F").replace("#", "%23"));
        assertThat(delete("/namespaces/" + ns.replace("%", "%25").replace(" ", "%20").replace("?", "%3F")
                .replace("#", "%23"), ADMIN).status()).isEqualTo(204);
    }

    // --- namespaces (tempest's test_basic_metadata_definition_namespaces)

    @Test
    void namespaceLifecycleAsTempestDrivesIt() {
        String type = get("/resource_types", ADMIN).json().get("resource_types").get(0).get("name").asString();
        assertThat(type).isEqualTo("OS::Glance::Image");
        String ns = name("namespace");
        Reply created = post("/namespaces", "{\"namespace\": \"" + ns + "\", \"visibility\": \"public\", "
                + "\"description\": \"Tempest\", \"display_name\": \"" + ns + "\", \"resource_type_associations\": "
                + "[{\"name\": \"" + type + "\"}], \"protected\": true}", ADMIN);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo(server.base() + "/v2/metadefs/namespaces/" + ns);
        JsonNode c = created.json();
        assertThat(c.get("namespace").asString()).isEqualTo(ns);
        assertThat(c.get("owner").asString()).isEqualTo("admin-project");
        assertThat(c.get("protected").asBoolean()).isTrue();
        assertThat(c.get("self").asString()).isEqualTo("/v2/metadefs/namespaces/" + ns);
        assertThat(c.get("schema").asString()).isEqualTo("/v2/schemas/metadefs/namespace");
        assertThat(c.get("created_at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

        assertThat(names(get("/namespaces?limit=1000", ADMIN).json().get("namespaces"), "namespace")).contains(ns);
        JsonNode shown = get("/namespaces/" + ns, ADMIN).json();
        assertThat(shown.get("visibility").asString()).isEqualTo("public");
        assertThat(shown.get("description").asString()).isEqualTo("Tempest");
        assertThat(shown.get("resource_type_associations").get(0).get("name").asString()).isEqualTo(type);

        Reply refused = delete("/namespaces/" + ns, ADMIN);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.message()).isEqualTo("Metadata definition namespace " + ns
                + " is protected and cannot be deleted.");

        Reply updated = put("/namespaces/" + ns, "{\"namespace\": \"" + ns + "\", \"description\": \"Tempest\", "
                + "\"visibility\": \"private\", \"display_name\": \"" + ns + "\", \"protected\": false}", ADMIN);
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("visibility").asString()).isEqualTo("private");
        assertThat(updated.json().get("protected").asBoolean()).isFalse();

        assertThat(delete("/namespaces/" + ns, ADMIN).status()).isEqualTo(204);
        Reply gone = get("/namespaces/" + ns, ADMIN);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.message()).isEqualTo("Metadata definition namespace=" + ns + " was not found.");
    }

    @Test
    void writesAreForAdminsAndPrivateNamespacesForTheirProject() {
        String p = project();
        String member = "{\"namespace\": \"" + name("ns") + "\"}";
        Reply denied = post("/namespaces", member, as(p, "member,reader"));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.message()).isEqualTo("You are not authorized to complete add_metadef_namespace action.");

        String ownedPrivate = name("ns");
        assertThat(post("/namespaces", "{\"namespace\": \"" + ownedPrivate + "\", \"owner\": \"" + p + "\"}", ADMIN)
                .status()).isEqualTo(201);
        String otherPrivate = namespace("private", false);
        String otherPublic = namespace("public", false);
        String[] reader = as(p, "reader");
        assertThat(get("/namespaces/" + ownedPrivate, reader).json().get("visibility").asString()).isEqualTo("private");
        assertThat(get("/namespaces/" + otherPublic, reader).status()).isEqualTo(200);
        assertThat(get("/namespaces/" + otherPrivate, reader).status()).isEqualTo(404);
        assertThat(get("/namespaces/" + otherPrivate + "/tags", reader).status()).isEqualTo(404);
        // a list shows what the caller may see
        var listed = names(get("/namespaces?limit=1000", reader).json().get("namespaces"), "namespace");
        assertThat(listed).contains(ownedPrivate, otherPublic).doesNotContain(otherPrivate);
        var privates = names(get("/namespaces?limit=1000&visibility=private", reader).json().get("namespaces"),
                "namespace");
        assertThat(privates).containsExactly(ownedPrivate);
        // readers cannot change even their own project's namespace; no role at all cannot read
        assertThat(delete("/namespaces/" + ownedPrivate, as(p, "member,reader")).status()).isEqualTo(403);
        assertThat(post("/namespaces/" + ownedPrivate + "/tags/t", null, as(p, "member,reader")).status())
                .isEqualTo(403);
        assertThat(get("/namespaces/" + otherPublic, as(p, "")).status()).isEqualTo(403);
        assertThat(get("/namespaces/" + ownedPrivate, ADMIN).status()).isEqualTo(200);
    }

    @Test
    void badNamespaceRequestsAre4xx() {
        String ns = namespace("private", false);
        Reply dup = post("/namespaces", "{\"namespace\": \"" + ns + "\"}", ADMIN);
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.message()).isEqualTo("The metadata definition namespace=" + ns + " already exists.");
        assertThat(post("/namespaces", "{\"visibility\": \"private\"}", ADMIN).status()).isEqualTo(400);
        assertThat(post("/namespaces", "{\"namespace\": \"x\", \"bogus\": 1}", ADMIN).status()).isEqualTo(400);
        assertThat(post("/namespaces", "{\"namespace\": \"x\", \"visibility\": \"shared\"}", ADMIN).status())
                .isEqualTo(400);
        assertThat(post("/namespaces", "{\"namespace\": \"" + "n".repeat(81) + "\"}", ADMIN).status()).isEqualTo(400);
        assertThat(post("/namespaces", "{\"namespace\": \"\"}", ADMIN).status()).isEqualTo(400);
        assertThat(post("/namespaces", "[]", ADMIN).status()).isEqualTo(400);
        assertThat(post("/namespaces", "{\"namespace\": ", ADMIN).status()).isEqualTo(400);
        assertThat(post("/namespaces", "{\"namespace\": \"y\", \"resource_type_associations\": [{\"name\": \"T\", "
                + "\"prefix\": \"" + "p".repeat(81) + "\"}]}", ADMIN).status()).isEqualTo(400);
        assertThat(get("/namespaces?limit=x", ADMIN).status()).isEqualTo(400);
        assertThat(get("/namespaces?sort_dir=sideways", ADMIN).status()).isEqualTo(400);
        assertThat(get("/namespaces?marker=no-such-namespace", ADMIN).status()).isEqualTo(404);
        // renaming onto a taken name
        String other = namespace("private", false);
        assertThat(put("/namespaces/" + ns, "{\"namespace\": \"" + other + "\"}", ADMIN).status()).isEqualTo(409);
        assertThat(put("/namespaces/nope-" + ns, "{\"namespace\": \"z\"}", ADMIN).status()).isEqualTo(404);
        assertThat(server.send("PATCH", "/v2/metadefs/namespaces/" + ns, "{}", ADMIN).status()).isEqualTo(405);
    }

    @Test
    void namespacesPageWithNextLinksAndFilterByResourceType() {
        String type = "Ferry::Test::" + UUID.randomUUID().toString().substring(0, 8);
        java.util.List<String> made = new java.util.ArrayList<>();
        String base = name("page");
        for (int i = 0; i < 3; i++) {
            // names grow with creation order: newest-first holds even for two created in the same millisecond
            String ns = base + "-" + i;
            assertThat(post("/namespaces", "{\"namespace\": \"" + ns + "\", \"visibility\": \"public\"}", ADMIN)
                    .status()).isEqualTo(201);
            assertThat(post("/namespaces/" + ns + "/resource_types", "{\"name\": \"" + type + "\"}", ADMIN).status())
                    .isEqualTo(201);
            made.add(ns);
        }
        java.util.List<String> seen = new java.util.ArrayList<>();
        String next = "/namespaces?resource_types=" + type + "&limit=2";
        for (int pages = 0; next != null && pages < 5; pages++) {
            JsonNode page = get(next, ADMIN).json();
            assertThat(page.get("first").asString()).startsWith("/v2/metadefs/namespaces?resource_types=");
            seen.addAll(names(page.get("namespaces"), "namespace"));
            next = page.has("next") ? page.get("next").asString().substring("/v2/metadefs".length()) : null;
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(made);
        // newest first by default
        assertThat(seen.getFirst()).isEqualTo(made.getLast());
        // the new resource type was created by the association (as Glance does)
        assertThat(names(get("/resource_types", ADMIN).json().get("resource_types"), "name")).contains(type);
    }

    // --- resource type associations (tempest's test_basic_meta_def_resource_type_association)

    @Test
    void resourceTypeAssociationsAreAddedListedAndRemoved() {
        String ns = namespace("public", false);
        Reply made = post("/namespaces/" + ns + "/resource_types", "{\"name\": \"OS::Nova::Flavor\", \"prefix\": \"hw:\"}",
                ADMIN);
        assertThat(made.status()).isEqualTo(201);
        assertThat(made.json().get("name").asString()).isEqualTo("OS::Nova::Flavor");
        assertThat(made.json().get("prefix").asString()).isEqualTo("hw:");
        Reply again = post("/namespaces/" + ns + "/resource_types", "{\"name\": \"OS::Nova::Flavor\"}", ADMIN);
        assertThat(again.status()).isEqualTo(409);
        assertThat(names(get("/namespaces/" + ns + "/resource_types", ADMIN).json().get("resource_type_associations"),
                "name")).containsExactly("OS::Nova::Flavor");
        assertThat(delete("/namespaces/" + ns + "/resource_types/OS::Nova::Flavor", ADMIN).status()).isEqualTo(204);
        assertThat(get("/namespaces/" + ns + "/resource_types", ADMIN).json().get("resource_type_associations")
                .size()).isZero();
        assertThat(delete("/namespaces/" + ns + "/resource_types/OS::Nova::Flavor", ADMIN).status()).isEqualTo(404);
        assertThat(post("/namespaces/" + ns + "/resource_types", "{\"prefix\": \"x\"}", ADMIN).status()).isEqualTo(400);
    }

    // --- objects (tempest's test_images_metadefs_namespace_objects)

    @Test
    void objectsAreCreatedRenamedListedAndDeleted() {
        String ns = namespace("public", false);
        Reply made = post("/namespaces/" + ns + "/objects", "{\"name\": \"obj1\", \"description\": \"d\", "
                + "\"properties\": {\"cores\": {\"type\": \"integer\", \"title\": \"Cores\"}}}", ADMIN);
        assertThat(made.status()).isEqualTo(201);
        assertThat(made.json().get("self").asString()).isEqualTo("/v2/metadefs/namespaces/" + ns + "/objects/obj1");
        assertThat(made.json().get("properties").get("cores").get("type").asString()).isEqualTo("integer");
        assertThat(post("/namespaces/" + ns + "/objects", "{\"name\": \"obj1\"}", ADMIN).status()).isEqualTo(409);
        JsonNode shown = get("/namespaces/" + ns + "/objects/obj1", ADMIN).json();
        assertThat(shown.get("name").asString()).isEqualTo("obj1");
        assertThat(shown.get("required").isArray()).isTrue();
        Reply renamed = put("/namespaces/" + ns + "/objects/obj1", "{\"name\": \"obj2\"}", ADMIN);
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.json().get("name").asString()).isEqualTo("obj2");
        assertThat(get("/namespaces/" + ns + "/objects/obj1", ADMIN).status()).isEqualTo(404);
        JsonNode list = get("/namespaces/" + ns + "/objects", ADMIN).json();
        assertThat(names(list.get("objects"), "name")).containsExactly("obj2");
        assertThat(list.get("objects").get(0).get("properties").has("cores")).isFalse(); // replaced by the PUT
        assertThat(list.get("schema").asString()).isEqualTo("v2/schemas/metadefs/objects");
        assertThat(delete("/namespaces/" + ns + "/objects/obj2", ADMIN).status()).isEqualTo(204);
        assertThat(get("/namespaces/" + ns + "/objects", ADMIN).json().get("objects").size()).isZero();
        assertThat(post("/namespaces/" + ns + "/objects", "{\"name\": \"o\", \"bogus\": 1}", ADMIN).status())
                .isEqualTo(400);
        assertThat(post("/namespaces/" + ns + "/objects", "{\"name\": \"o\", \"description\": \""
                + "d".repeat(70_000) + "\"}", ADMIN).status()).isEqualTo(413);
        assertThat(post("/namespaces/nope-" + ns + "/objects", "{\"name\": \"o\"}", ADMIN).status()).isEqualTo(404);
    }

    // --- properties (tempest's test_basic_meta_def_namespace_property)

    @Test
    void propertiesAreCreatedShownUpdatedAndDeleted() {
        String ns = namespace("public", false);
        String enumeration = "[\"xen\", \"qemu\", \"kvm\"]";
        Reply made = post("/namespaces/" + ns + "/properties", "{\"name\": \"OS::Glance::Image\", \"title\": \"p1\", "
                + "\"type\": \"string\", \"enum\": " + enumeration + "}", ADMIN);
        assertThat(made.status()).isEqualTo(201);
        assertThat(made.json().get("title").asString()).isEqualTo("p1");
        assertThat(made.json().has("created_at")).isFalse(); // Glance's property documents have no times
        JsonNode shown = get("/namespaces/" + ns + "/properties/OS::Glance::Image", ADMIN).json();
        assertThat(shown.get("name").asString()).isEqualTo("OS::Glance::Image");
        assertThat(shown.get("enum").size()).isEqualTo(3);
        Reply updated = put("/namespaces/" + ns + "/properties/OS::Glance::Image", "{\"name\": \"OS::Glance::Image\", "
                + "\"title\": \"p2\", \"type\": \"string\", \"enum\": " + enumeration + "}", ADMIN);
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("title").asString()).isEqualTo("p2");
        JsonNode all = get("/namespaces/" + ns + "/properties", ADMIN).json().get("properties");
        assertThat(all.get("OS::Glance::Image").get("title").asString()).isEqualTo("p2");
        assertThat(get("/namespaces/" + ns, ADMIN).json().get("properties").has("OS::Glance::Image")).isTrue();
        assertThat(delete("/namespaces/" + ns + "/properties/OS::Glance::Image", ADMIN).status()).isEqualTo(204);
        assertThat(get("/namespaces/" + ns + "/properties", ADMIN).json().get("properties").size()).isZero();
        // type, title and name are required; type is one of JSON's
        assertThat(post("/namespaces/" + ns + "/properties", "{\"name\": \"p\"}", ADMIN).status()).isEqualTo(400);
        assertThat(post("/namespaces/" + ns + "/properties", "{\"name\": \"p\", \"title\": \"t\", \"type\": \"blob\"}",
                ADMIN).status()).isEqualTo(400);
        assertThat(delete("/namespaces/" + ns + "/properties/none", ADMIN).status()).isEqualTo(404);
    }

    // --- tags (tempest's test_images_metadefs_namespace_tags)

    @Test
    void tagsAreCreatedManyOrOneRenamedAndDeleted() {
        String ns = namespace("public", false);
        String three = "{\"tags\": [{\"name\": \"sample-tag1\"}, {\"name\": \"sample-tag2\"}, {\"name\": \"sample-tag3\"}]}";
        Reply many = post("/namespaces/" + ns + "/tags", three, ADMIN);
        assertThat(many.status()).isEqualTo(201);
        assertThat(names(many.json().get("tags"), "name")).containsExactly("sample-tag1", "sample-tag2", "sample-tag3");
        assertThat(names(get("/namespaces/" + ns + "/tags", ADMIN).json().get("tags"), "name"))
                .containsExactlyInAnyOrder("sample-tag1", "sample-tag2", "sample-tag3");

        Reply one = post("/namespaces/" + ns + "/tags/tag9", null, ADMIN);
        assertThat(one.status()).isEqualTo(201);
        assertThat(one.json().get("name").asString()).isEqualTo("tag9");
        Reply dup = post("/namespaces/" + ns + "/tags/TAG9", null, ADMIN);
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.message()).contains("case insensitive");
        assertThat(get("/namespaces/" + ns + "/tags/tag9", ADMIN).json().get("name").asString()).isEqualTo("tag9");
        Reply renamed = put("/namespaces/" + ns + "/tags/tag9", "{\"name\": \"tag10\"}", ADMIN);
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.json().get("name").asString()).isEqualTo("tag10");
        assertThat(put("/namespaces/" + ns + "/tags/tag10", "{\"name\": \"sample-tag1\"}", ADMIN).status())
                .isEqualTo(409);
        assertThat(delete("/namespaces/" + ns + "/tags/tag10", ADMIN).status()).isEqualTo(204);
        assertThat(get("/namespaces/" + ns + "/tags/tag10", ADMIN).status()).isEqualTo(404);

        // creating several replaces the tags, unless X-Openstack-Append says otherwise
        post("/namespaces/" + ns + "/tags", "{\"tags\": [{\"name\": \"x\"}]}", ADMIN);
        assertThat(names(get("/namespaces/" + ns + "/tags", ADMIN).json().get("tags"), "name")).containsExactly("x");
        String[] append = {"X-Tenant-Id", "admin-project", "X-Roles", "admin", "X-Openstack-Append", "yes"};
        assertThat(post("/namespaces/" + ns + "/tags", "{\"tags\": [{\"name\": \"y\"}]}", append).status())
                .isEqualTo(201);
        assertThat(names(get("/namespaces/" + ns + "/tags", ADMIN).json().get("tags"), "name"))
                .containsExactlyInAnyOrder("x", "y");
        assertThat(post("/namespaces/" + ns + "/tags", "{\"tags\": [{\"name\": \"a\"}, {\"name\": \"A\"}]}", ADMIN)
                .status()).isEqualTo(409);
        assertThat(names(get("/namespaces/" + ns + "/tags", ADMIN).json().get("tags"), "name"))
                .containsExactlyInAnyOrder("x", "y"); // the refused request changed nothing
        assertThat(post("/namespaces/" + ns + "/tags", "{\"tags\": [{\"name\": \"" + "t".repeat(81) + "\"}]}", ADMIN)
                .status()).isEqualTo(400);
        assertThat(post("/namespaces/" + ns + "/tags/" + "t".repeat(81), null, ADMIN).status()).isEqualTo(400);

        assertThat(delete("/namespaces/" + ns + "/tags", ADMIN).status()).isEqualTo(204);
        assertThat(get("/namespaces/" + ns + "/tags", ADMIN).json().get("tags").size()).isZero();
    }

    @Test
    void deletingANamespaceDeletesWhatItHolds() {
        String ns = namespace("public", false);
        post("/namespaces/" + ns + "/objects", "{\"name\": \"o\"}", ADMIN);
        post("/namespaces/" + ns + "/tags/t", null, ADMIN);
        post("/namespaces/" + ns + "/resource_types", "{\"name\": \"OS::Glance::Image\"}", ADMIN);
        JsonNode full = get("/namespaces/" + ns, ADMIN).json();
        assertThat(full.get("objects").size()).isEqualTo(1);
        assertThat(full.get("tags").size()).isEqualTo(1);
        assertThat(delete("/namespaces/" + ns, ADMIN).status()).isEqualTo(204);
        // a namespace of the same name starts empty
        assertThat(post("/namespaces", "{\"namespace\": \"" + ns + "\"}", ADMIN).status()).isEqualTo(201);
        JsonNode fresh = get("/namespaces/" + ns, ADMIN).json();
        assertThat(fresh.has("objects")).isFalse();
        assertThat(fresh.has("tags")).isFalse();
        assertThat(fresh.has("resource_type_associations")).isFalse();
    }
}
