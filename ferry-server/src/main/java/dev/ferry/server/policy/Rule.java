package dev.ferry.server.policy;

import dev.ferry.server.identity.Identity;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** One parsed check string. Evaluation needs the caller, the target's attributes and the other rules. */
public sealed interface Rule {

    /** What a check can see while it is evaluated. */
    interface Context {
        Identity caller();

        /** Target attributes, e.g. {@code project_id} of the object acted on. */
        Map<String, String> target();

        /** Evaluates another named rule; an unknown name is false. */
        boolean rule(String name);
    }

    boolean test(Context c);

    /** Names of the rules this one refers to ({@code rule:X}; {@code is_admin} refers to context_is_admin). */
    Set<String> references();

    /** {@code ""} or {@code @}. */
    record Allow() implements Rule {
        public boolean test(Context c) {
            return true;
        }

        public Set<String> references() {
            return Set.of();
        }
    }

    /** {@code !}. */
    record Deny() implements Rule {
        public boolean test(Context c) {
            return false;
        }

        public Set<String> references() {
            return Set.of();
        }
    }

    /** {@code role:X}: role names compare case-insensitively, as Keystone's do. */
    record HasRole(String role) implements Rule {
        public HasRole {
            Objects.requireNonNull(role);
        }

        public boolean test(Context c) {
            return c.caller().roles().stream().anyMatch(r -> r.equalsIgnoreCase(role));
        }

        public Set<String> references() {
            return Set.of();
        }
    }

    /** {@code rule:Y}. */
    record RuleRef(String name) implements Rule {
        public RuleRef {
            Objects.requireNonNull(name);
        }

        public boolean test(Context c) {
            return c.rule(name);
        }

        public Set<String> references() {
            return Set.of(name);
        }
    }

    /** {@code is_admin:True|False}: whether the caller passes {@code context_is_admin}. */
    record IsAdmin(boolean expected) implements Rule {
        public boolean test(Context c) {
            return c.rule(Policy.CONTEXT_IS_ADMIN) == expected;
        }

        public Set<String> references() {
            return Set.of(Policy.CONTEXT_IS_ADMIN);
        }
    }

    /**
     * {@code project_id:%(owner)s}, {@code user_id:abc}: a caller attribute ({@code project_id},
     * {@code user_id}) equals a literal or a target attribute; a missing target attribute is false.
     */
    record Match(String attribute, String value) implements Rule {
        public Match {
            Objects.requireNonNull(attribute);
            Objects.requireNonNull(value);
        }

        public boolean test(Context c) {
            String mine = switch (attribute) {
                case "project_id", "tenant", "tenant_id" -> c.caller().projectId();
                case "user_id" -> c.caller().userId();
                default -> null;
            };
            String theirs = value;
            if (value.startsWith("%(") && value.endsWith(")s")) {
                theirs = c.target().get(value.substring(2, value.length() - 2));
            }
            return mine != null && mine.equals(theirs);
        }

        public Set<String> references() {
            return Set.of();
        }
    }

    /** {@code 'public':%(visibility)s}: a target attribute equals a literal; a missing attribute is false. */
    record TargetEquals(String attribute, String literal) implements Rule {
        public TargetEquals {
            Objects.requireNonNull(attribute);
            Objects.requireNonNull(literal);
        }

        public boolean test(Context c) {
            return literal.equals(c.target().get(attribute));
        }

        public Set<String> references() {
            return Set.of();
        }
    }

    record Not(Rule rule) implements Rule {
        public boolean test(Context c) {
            return !rule.test(c);
        }

        public Set<String> references() {
            return rule.references();
        }
    }

    record And(List<Rule> rules) implements Rule {
        public And {
            rules = List.copyOf(rules);
        }

        public boolean test(Context c) {
            return rules.stream().allMatch(r -> r.test(c));
        }

        public Set<String> references() {
            return union(rules);
        }
    }

    record Or(List<Rule> rules) implements Rule {
        public Or {
            rules = List.copyOf(rules);
        }

        public boolean test(Context c) {
            return rules.stream().anyMatch(r -> r.test(c));
        }

        public Set<String> references() {
            return union(rules);
        }
    }

    private static Set<String> union(List<Rule> rules) {
        Set<String> all = new java.util.HashSet<>();
        rules.forEach(r -> all.addAll(r.references()));
        return Set.copyOf(all);
    }
}
