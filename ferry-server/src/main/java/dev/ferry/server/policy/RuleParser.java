package dev.ferry.server.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses oslo.policy's check language: checks {@code kind:value} ({@code role}, {@code rule},
 * {@code is_admin}, or a caller attribute compared with a literal or {@code %(target)s}),
 * {@code @}/{@code ""} (allow), {@code !} (deny), {@code not}, {@code and}, {@code or} (binding in
 * that order) and parentheses. Bounded: at most {@value #MAX_LENGTH} characters and
 * {@value #MAX_DEPTH} levels of nesting.
 */
public final class RuleParser {

    static final int MAX_LENGTH = 4096;
    static final int MAX_DEPTH = 32;

    private final List<String> tokens;
    private int pos;
    private int depth;

    private RuleParser(List<String> tokens) {
        this.tokens = tokens;
    }

    /** @throws IllegalArgumentException naming what is wrong */
    public static Rule parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("rule is null");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("rule longer than " + MAX_LENGTH + " characters");
        }
        List<String> tokens = tokenize(text);
        if (tokens.isEmpty()) {
            return new Rule.Allow();
        }
        RuleParser p = new RuleParser(tokens);
        Rule rule = p.or();
        if (p.pos != tokens.size()) {
            throw new IllegalArgumentException("unexpected '" + tokens.get(p.pos) + "' in rule: " + text);
        }
        return rule;
    }

    private static List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char ch = text.charAt(i);
            if (Character.isWhitespace(ch)) {
                i++;
            } else if (ch == '(' || ch == ')') {
                out.add(String.valueOf(ch));
                i++;
            } else {
                int start = i;
                while (i < text.length() && !Character.isWhitespace(text.charAt(i))
                        && text.charAt(i) != '(' && text.charAt(i) != ')') {
                    if (text.startsWith("%(", i)) { // a target reference: its parentheses are not grouping
                        int end = text.indexOf(")s", i);
                        if (end < 0) {
                            throw new IllegalArgumentException("unterminated %(...)s in rule: " + text);
                        }
                        i = end + 2;
                    } else {
                        i++;
                    }
                }
                out.add(text.substring(start, i));
            }
        }
        return out;
    }

    private Rule or() {
        List<Rule> parts = new ArrayList<>();
        parts.add(and());
        while (peekWord("or")) {
            pos++;
            parts.add(and());
        }
        return parts.size() == 1 ? parts.get(0) : new Rule.Or(parts);
    }

    private Rule and() {
        List<Rule> parts = new ArrayList<>();
        parts.add(not());
        while (peekWord("and")) {
            pos++;
            parts.add(not());
        }
        return parts.size() == 1 ? parts.get(0) : new Rule.And(parts);
    }

    private Rule not() {
        if (peekWord("not")) {
            pos++;
            enter();
            Rule inner = not();
            depth--;
            return new Rule.Not(inner);
        }
        return atom();
    }

    private Rule atom() {
        if (pos >= tokens.size()) {
            throw new IllegalArgumentException("rule ends too early");
        }
        String t = tokens.get(pos++);
        if (t.equals("(")) {
            enter();
            Rule inner = or();
            depth--;
            if (pos >= tokens.size() || !tokens.get(pos).equals(")")) {
                throw new IllegalArgumentException("missing ')'");
            }
            pos++;
            return inner;
        }
        return check(t);
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw new IllegalArgumentException("rule nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private boolean peekWord(String word) {
        return pos < tokens.size() && tokens.get(pos).toLowerCase(Locale.ROOT).equals(word);
    }

    static Rule check(String t) {
        if (t.equals("@")) {
            return new Rule.Allow();
        }
        if (t.equals("!")) {
            return new Rule.Deny();
        }
        int colon = t.indexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("'" + t + "' is not a check (expected kind:value, @ or !)");
        }
        String kind = t.substring(0, colon);
        String value = t.substring(colon + 1);
        if (kind.length() >= 2 && kind.startsWith("'") && kind.endsWith("'")) { // 'public':%(visibility)s
            if (!(value.startsWith("%(") && value.endsWith(")s") && value.length() > 4)) {
                throw new IllegalArgumentException("a quoted literal must be compared with %(attribute)s in '" + t + "'");
            }
            return new Rule.TargetEquals(value.substring(2, value.length() - 2), kind.substring(1, kind.length() - 1));
        }
        return switch (kind) {
            case "role" -> new Rule.HasRole(value);
            case "rule" -> new Rule.RuleRef(value);
            case "is_admin" -> switch (value.toLowerCase(Locale.ROOT)) {
                case "true" -> new Rule.IsAdmin(true);
                case "false" -> new Rule.IsAdmin(false);
                default -> throw new IllegalArgumentException("is_admin takes True or False, got '" + value + "'");
            };
            case "project_id", "tenant", "tenant_id", "user_id" -> new Rule.Match(kind, value);
            default -> throw new IllegalArgumentException("unknown check kind '" + kind + "' in '" + t + "'");
        };
    }
}
