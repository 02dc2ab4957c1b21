package dev.ferry.server.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.server.identity.AccessDeniedException;
import dev.ferry.server.identity.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTest {

    static final Identity ADMIN = new Identity("p-admin", "u-admin", Set.of("admin", "member", "reader"));
    static final Identity MEMBER = new Identity("p1", "u1", Set.of("member", "reader"));
    static final Identity READER = new Identity("p1", "u2", Set.of("reader"));
    static final Identity NOBODY = new Identity("p1", "u3", Set.of());

    @TempDir
    Path dir;

    @Test
    void glanceDefaultsKeepTheTasksApiForAdmins() {
        Policy p = Policy.of(Map.of());
        assertThat(p.allows("tasks_api_access", ADMIN)).isTrue();
        assertThat(p.allows("tasks_api_access", MEMBER)).isFalse();
        assertThat(p.allows("tasks_api_access", READER)).isFalse();
        // the per-operation task rules are Glance's deprecated "rule:default", i.e. allow
        assertThat(p.allows("get_task", NOBODY)).isTrue();
        assertThat(p.allows("add_task", READER)).isTrue();
        assertThat(p.allows("publicize_image", MEMBER)).isFalse();
        assertThat(p.allows("publicize_image", ADMIN)).isTrue();
        assertThat(p.isAdmin(ADMIN)).isTrue();
        assertThat(p.isAdmin(MEMBER)).isFalse();
    }

    @Test
    void imageRulesSeparateAdminMemberAndReaderByProject() {
        Policy p = Policy.of(Map.of());
        Map<String, String> ownImage = Map.of("project_id", "p1", "owner", "p1");
        Map<String, String> otherImage = Map.of("project_id", "p2", "owner", "p2");
        assertThat(p.allows("add_image", MEMBER, ownImage)).isTrue();
        assertThat(p.allows("add_image", MEMBER, Map.of("project_id", "p1", "owner", "p2"))).isFalse();
        assertThat(p.allows("add_image", READER, ownImage)).isFalse();
        assertThat(p.allows("add_image", ADMIN, otherImage)).isTrue();
        assertThat(p.allows("get_image", READER, ownImage)).isTrue();
        assertThat(p.allows("get_image", READER, otherImage)).isFalse();
        assertThat(p.allows("delete_image", READER, ownImage)).isFalse();
        assertThat(p.allows("delete_image", MEMBER, ownImage)).isTrue();
        // a target without the attribute the rule names never matches
        assertThat(p.allows("add_image", MEMBER, Map.of("project_id", "p1"))).isFalse();
    }

    @Test
    void metadefsAreReadByReadersOfTheOwnerOrOfPublicNamespacesAndWrittenByAdmins() {
        Policy p = Policy.of(Map.of());
        Map<String, String> ownPrivate = Map.of("project_id", "p1", "visibility", "private");
        Map<String, String> otherPrivate = Map.of("project_id", "p2", "visibility", "private");
        Map<String, String> otherPublic = Map.of("project_id", "p2", "visibility", "public");
        assertThat(p.allows("get_metadef_namespace", READER, ownPrivate)).isTrue();
        assertThat(p.allows("get_metadef_namespace", READER, otherPrivate)).isFalse();
        assertThat(p.allows("get_metadef_tags", READER, otherPublic)).isTrue();
        assertThat(p.allows("get_metadef_tags", NOBODY, otherPublic)).isFalse();
        assertThat(p.allows("get_metadef_namespace", ADMIN, otherPrivate)).isTrue();
        assertThat(p.allows("add_metadef_namespace", MEMBER, ownPrivate)).isFalse();
        assertThat(p.allows("delete_metadef_tags", ADMIN, otherPrivate)).isTrue();
        // a quoted literal is compared with a target attribute, and nothing else
        assertThat(RuleParser.parse("'public':%(visibility)s")).isEqualTo(new Rule.TargetEquals("visibility", "public"));
        assertThatThrownBy(() -> RuleParser.parse("'public':private")).isInstanceOf(IllegalArgumentException.class);
        assertThat(p.allows("get_metadef_namespace", READER, Map.of("project_id", "p2"))).isFalse();
    }

    @Test
    void theLanguageHasAllowDenyNotAndOrParenthesesAndIsAdmin() {
        Policy p = Policy.of(Map.of(
                "a", "",
                "b", "!",
                "c", "@",
                "d", "not role:reader",
                "e", "role:member and not (role:admin or user_id:u9)",
                "f", "is_admin:True",
                "g", "is_admin:False and project_id:%(project_id)s",
                "h", "role:MEMBER",
                "i", "role:reader or role:member and role:admin"));
        assertThat(p.allows("a", NOBODY)).isTrue();
        assertThat(p.allows("b", ADMIN)).isFalse();
        assertThat(p.allows("c", NOBODY)).isTrue();
        assertThat(p.allows("d", READER)).isFalse();
        assertThat(p.allows("d", NOBODY)).isTrue();
        assertThat(p.allows("e", MEMBER)).isTrue();
        assertThat(p.allows("e", ADMIN)).isFalse();
        assertThat(p.allows("e", new Identity("p1", "u9", Set.of("member")))).isFalse();
        assertThat(p.allows("f", ADMIN)).isTrue();
        assertThat(p.allows("f", MEMBER)).isFalse();
        assertThat(p.allows("g", MEMBER)).isTrue();
        assertThat(p.allows("g", MEMBER, Map.of("project_id", "p2"))).isFalse();
        assertThat(p.allows("h", MEMBER)).isTrue(); // role names compare case-insensitively
        // "and" binds tighter than "or": reader alone passes
        assertThat(p.allows("i", READER)).isTrue();
        assertThat(p.allows("i", new Identity("p1", "u1", Set.of("member")))).isFalse();
    }

    @Test
    void anActionWithoutARuleFallsBackToDefault() {
        assertThat(Policy.of(Map.of()).allows("no_such_action", NOBODY)).isTrue();
        assertThat(Policy.of(Map.of("default", "!")).allows("no_such_action", ADMIN)).isFalse();
    }

    @Test
    void tasksAccessMemberOpensTheTasksApiToMembersButNotReaders() throws Exception {
        Policy p = Policy.load(true, null);
        assertThat(p.allows("tasks_api_access", MEMBER)).isTrue();
        assertThat(p.allows("tasks_api_access", READER)).isFalse();
        assertThat(p.allows("tasks_api_access", ADMIN)).isTrue();
    }

    @Test
    void aPolicyFileOverridesDefaultsAndTasksAccess() throws Exception {
        Path file = dir.resolve("policy.json");
        Files.writeString(file, "{\"tasks_api_access\": \"!\", \"add_task\": \"role:importer\"}");
        Policy p = Policy.load(true, file);
        assertThat(p.allows("tasks_api_access", ADMIN)).isFalse();
        assertThat(p.allows("add_task", ADMIN)).isFalse();
        assertThat(p.allows("add_task", new Identity("p", "u", Set.of("importer")))).isTrue();
        assertThat(p.allows("get_task", NOBODY)).isTrue(); // untouched defaults stay
        assertThatThrownBy(() -> p.enforce("tasks_api_access", ADMIN, Map.of()))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessage("You are not authorized to complete tasks_api_access action.");
    }

    @Test
    void badFilesAndRulesAreRejectedWithTheirName() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "[\"not an object\"]");
        assertThatThrownBy(() -> Policy.load(false, file)).hasMessageContaining("JSON object");
        Files.writeString(file, "{\"add_task\": 1}");
        assertThatThrownBy(() -> Policy.load(false, file)).hasMessageContaining("add_task");
        Files.writeString(file, "{\"add_task\": \"role:admin or\"}");
        assertThatThrownBy(() -> Policy.load(false, file)).hasMessageContaining("add_task");
        assertThatThrownBy(() -> Policy.of(Map.of("x", "rule:y", "y", "rule:x"))).hasMessageContaining("itself");
        assertThatThrownBy(() -> Policy.of(Map.of("context_is_admin", "is_admin:True")))
                .hasMessageContaining("itself");
        assertThatThrownBy(() -> Policy.of(Map.of("x", "rule:missing"))).hasMessageContaining("undefined rule missing");
        assertThatThrownBy(() -> Policy.of(Map.of("x", "colour:blue"))).hasMessageContaining("unknown check kind");
        assertThatThrownBy(() -> Policy.of(Map.of("x", "(role:a"))).hasMessageContaining("')'");
        assertThatThrownBy(() -> Policy.of(Map.of("x", "role:a)"))).hasMessageContaining("unexpected");
        assertThatThrownBy(() -> Policy.of(Map.of("x", "project_id:%(owner"))).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> Policy.of(Map.of("x", "(".repeat(40) + "role:a" + ")".repeat(40))))
                .hasMessageContaining("nested deeper");
        assertThatThrownBy(() -> Policy.of(Map.of("x", "not ".repeat(40) + "role:a")))
                .hasMessageContaining("nested deeper");
        assertThatThrownBy(() -> Policy.of(Map.of("x", "role:a or ".repeat(1000) + "role:b")))
                .hasMessageContaining("longer than");
    }
}
