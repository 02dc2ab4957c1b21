package dev.ferry.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.server.identity.Identity;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * An operator's policy rule (oslo.policy's check language, UTF-8): {@link RuleParser#parse} and a
 * {@link Policy} holding it as the rule of an action give a rule or an
 * {@link IllegalArgumentException} (the start-up error), never another exception; a policy that
 * loads evaluates for any caller without an exception (no unbounded recursion).
 */
class RuleParserFuzzTest {

    private static final Identity ADMIN = new Identity("p1", "u1", Set.of("admin"));
    private static final Identity MEMBER = new Identity("p2", "u2", Set.of("member", "reader"));

    @FuzzTest(maxDuration = "60s")
    void parsesOrIsAConfigurationError(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            Rule rule = RuleParser.parse(text);
            assertThat(rule.references()).isNotNull();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
        Policy policy;
        try {
            policy = Policy.of(Map.of("fuzzed_action", text, "get_image", text));
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        for (Identity who : new Identity[] {ADMIN, MEMBER}) {
            policy.allows("fuzzed_action", who);
            policy.allows("get_image", who, Map.of("project_id", "p1", "owner", "p2"));
            policy.isAdmin(who);
        }
    }
}
