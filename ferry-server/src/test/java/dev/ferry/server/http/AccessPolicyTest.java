package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.server.TestDatabases;
import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tasks.access=member and identity.type=static. */
class AccessPolicyTest {

    static final String BODY = "{\"type\": \"import\", \"input\": {\"import_from\": \"http://images.example.com/a.raw\","
            + " \"import_from_format\": \"raw\", \"image_properties\": {}}}";

    @TempDir
    Path dir;

    @Test
    void membersMayUseTheTasksApiButOnlySeeTheirOwnProject() {
        try (TestServer s = new TestServer(dir, TestDatabases.h2(dir), Map.of("tasks.access", "member"),
                Clock.systemUTC())) {
            Reply mine = s.postJson("/v2/tasks", BODY, "X-Project-Id", "alpha", "X-User-Id", "ann", "X-Roles", "member");
            assertThat(mine.status()).isEqualTo(201);
            String id = mine.json().get("id").asString();
            assertThat(s.get("/v2/tasks/" + id, "X-Project-Id", "alpha", "X-Roles", "member").status()).isEqualTo(200);
            Reply foreign = s.get("/v2/tasks/" + id, "X-Project-Id", "beta", "X-Roles", "member");
            assertThat(foreign.status()).isEqualTo(404);
            assertThat(s.get("/v2/tasks", "X-Project-Id", "beta", "X-Roles", "member").json().get("tasks")).isEmpty();
            assertThat(s.get("/v2/tasks", "X-Project-Id", "alpha", "X-Roles", "member").json().get("tasks")).hasSize(1);
            Reply marker = s.get("/v2/tasks?marker=" + id, "X-Project-Id", "beta", "X-Roles", "member");
            assertThat(marker.status()).isEqualTo(400);
            assertThat(s.get("/v2/tasks", "X-Project-Id", "gamma", "X-Roles", "admin").json().get("tasks")).hasSize(1);
        }
    }

    @Test
    void aPolicyFileChangesTheImageRules() throws Exception {
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, "{\"add_image\": \"role:image_creator\", \"publicize_image\": "
                + "\"rule:context_is_admin or role:publisher\", \"context_is_admin\": \"role:superuser\"}");
        try (TestServer s = new TestServer(dir, TestDatabases.h2(dir), Map.of("policy.file", policy.toString()),
                Clock.systemUTC())) {
            Reply member = s.postJson("/v2/images", "{}", "X-Project-Id", "alpha", "X-Roles", "member");
            assertThat(member.status()).isEqualTo(403);
            assertThat(member.json().get("message").asString()).isEqualTo(
                    "You are not authorized to complete add_image action.");
            Reply creator = s.postJson("/v2/images", "{\"visibility\": \"public\"}", "X-Project-Id", "alpha",
                    "X-Roles", "image_creator,publisher");
            assertThat(creator.status()).isEqualTo(201);
            String id = creator.json().get("id").asString();
            // role admin is no longer context_is_admin: another project's private image stays invisible
            String hidden = s.postJson("/v2/images", "{}", "X-Project-Id", "alpha", "X-Roles", "image_creator")
                    .json().get("id").asString();
            assertThat(s.get("/v2/images/" + hidden, "X-Project-Id", "beta", "X-Roles", "admin").status())
                    .isEqualTo(404);
            assertThat(s.get("/v2/images/" + hidden, "X-Project-Id", "beta", "X-Roles", "superuser").status())
                    .isEqualTo(200);
            assertThat(s.get("/v2/images/" + id, "X-Project-Id", "beta", "X-Roles", "member").status())
                    .isEqualTo(200);
        }
    }

    @Test
    void staticTokensIdentifyCallersAndEverythingElseIs401() throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "# token project user roles\nt-admin proj1 alice admin,member\nt-member proj2 bob member\n");
        try (TestServer s = new TestServer(dir, TestDatabases.h2(dir), Map.of("identity.type", "static",
                "identity.tokens_file", tokens.toString()), Clock.systemUTC())) {
            Reply created = s.postJson("/v2/tasks", BODY, "X-Auth-Token", "t-admin");
            assertThat(created.status()).isEqualTo(201);
            assertThat(created.json().get("owner").asString()).isEqualTo("proj1");
            assertThat(created.json().get("user_id").asString()).isEqualTo("alice");
            assertThat(s.get("/v2/tasks", "X-Auth-Token", "t-member").status()).isEqualTo(403);
            Reply none = s.get("/v2/tasks");
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.json().get("code").asString()).isEqualTo("401 Unauthorized");
            assertThat(s.get("/v2/tasks", "X-Auth-Token", "wrong").status()).isEqualTo(401);
            // identity headers are not trusted in static mode
            assertThat(s.get("/v2/tasks", "X-Roles", "admin", "X-Project-Id", "proj1").status()).isEqualTo(401);
        }
    }
}
