package dev.ferry.server.policy;

import dev.ferry.server.identity.AccessDeniedException;
import dev.ferry.server.identity.Identity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Named rules, checked by action name ({@code tasks_api_access}, {@code add_task}, ...). Built
 * from Glance's defaults, then overrides; every rule a rule refers to must exist and references
 * may not form a cycle, so evaluation always terminates.
 */
public final class Policy {

    public static final String CONTEXT_IS_ADMIN = "context_is_admin";
    private static final int MAX_RULES = 1000;
    private static final long MAX_FILE_BYTES = 1_000_000;

    private final Map<String, Rule> rules;

    private Policy(Map<String, Rule> rules) {
        this.rules = Map.copyOf(rules);
        checkReferences();
    }

    /** Glance's defaults (2023+ "secure RBAC" names) for the actions Ferry has, as check strings. */
    public static Map<String, String> glanceDefaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(CONTEXT_IS_ADMIN, "role:admin");
        d.put("default", "");
        d.put("admin_or_project_member", "rule:context_is_admin or (role:member and project_id:%(project_id)s)");
        d.put("admin_or_project_reader", "rule:context_is_admin or (role:reader and project_id:%(project_id)s)");
        // tasks: the API is admin-only; the per-operation rules are Glance's deprecated "rule:default"
        d.put("tasks_api_access", "rule:context_is_admin");
        d.put("get_task", "rule:default");
        d.put("get_tasks", "rule:default");
        d.put("add_task", "rule:default");
        d.put("modify_task", "rule:default");
        // images
        d.put("add_image", "rule:context_is_admin or (role:member and project_id:%(project_id)s "
                + "and project_id:%(owner)s)");
        d.put("get_image", "rule:admin_or_project_reader");
        d.put("get_images", "rule:admin_or_project_reader");
        d.put("modify_image", "rule:admin_or_project_member");
        d.put("delete_image", "rule:admin_or_project_member");
        d.put("upload_image", "rule:admin_or_project_member");
        d.put("download_image", "rule:admin_or_project_reader");
        d.put("publicize_image", "rule:context_is_admin");
        d.put("communitize_image", "rule:admin_or_project_member");
        // Ferry lets owners (not only admins) deactivate and reactivate (docs/images-api.md)
        d.put("deactivate", "rule:admin_or_project_member");
        d.put("reactivate", "rule:admin_or_project_member");
        // multistore (Glance's defaults): copy-image is for admins, as is the stores' detail
        d.put("copy_image", "rule:context_is_admin");
        d.put("get_image_location", "rule:admin_or_project_reader");
        d.put("delete_image_location", "rule:admin_or_project_member");
        d.put("stores_info_detail", "rule:context_is_admin");
        // metadata definitions (Glance 25's new defaults): reads by readers of the owning project or of
        // public namespaces, writes by admins only
        d.put("metadef_default", "");
        d.put("metadef_admin", "role:admin");
        String readNamespace = "role:admin or (role:reader and (project_id:%(project_id)s or 'public':%(visibility)s))";
        for (String read : List.of("get_metadef_namespace", "get_metadef_object", "get_metadef_objects",
                "list_metadef_resource_types", "get_metadef_resource_type", "get_metadef_property",
                "get_metadef_properties", "get_metadef_tag", "get_metadef_tags")) {
            d.put(read, readNamespace);
        }
        d.put("get_metadef_namespaces", "role:admin or (role:reader and project_id:%(project_id)s)");
        for (String write : List.of("modify_metadef_namespace", "add_metadef_namespace", "delete_metadef_namespace",
                "modify_metadef_object", "add_metadef_object", "delete_metadef_object",
                "add_metadef_resource_type_association", "remove_metadef_resource_type_association",
                "modify_metadef_property", "add_metadef_property", "remove_metadef_property", "modify_metadef_tag",
                "add_metadef_tag", "add_metadef_tags", "delete_metadef_tag", "delete_metadef_tags")) {
            d.put(write, "rule:metadef_admin");
        }
        return d;
    }

    /** Defaults overlaid with {@code overrides} (name → check string). */
    public static Policy of(Map<String, String> overrides) {
        Map<String, String> text = glanceDefaults();
        text.putAll(overrides);
        if (text.size() > MAX_RULES) {
            throw new IllegalArgumentException("more than " + MAX_RULES + " rules");
        }
        Map<String, Rule> parsed = new LinkedHashMap<>();
        text.forEach((name, check) -> {
            try {
                parsed.put(name, RuleParser.parse(check));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rule " + name + ": " + e.getMessage(), e);
            }
        });
        return new Policy(parsed);
    }

    /**
     * The policy for a config: {@code tasks.access=member} opens {@code tasks_api_access} to
     * members; then the rules of {@code file} (a JSON object of name → check string), if any.
     */
    public static Policy load(boolean tasksForMembers, Path file) throws IOException {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (tasksForMembers) {
            overrides.put("tasks_api_access", "rule:context_is_admin or role:member");
        }
        if (file != null) {
            overrides.putAll(readFile(file));
        }
        return of(overrides);
    }

    static Map<String, String> readFile(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = JsonMapper.builder().build().readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + " must hold a JSON object of rule name to check string");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (!e.getValue().isString()) {
                throw new IllegalArgumentException(file + ": rule " + e.getKey() + " must be a string");
            }
            out.put(e.getKey(), e.getValue().asString());
        }
        return out;
    }

    private void checkReferences() {
        Set<String> done = new HashSet<>();
        for (String name : rules.keySet()) {
            visit(name, new HashSet<>(), done);
        }
    }

    private void visit(String name, Set<String> path, Set<String> done) {
        if (done.contains(name)) {
            return;
        }
        if (!path.add(name)) {
            throw new IllegalArgumentException("rule " + name + " refers to itself through " + path);
        }
        Rule rule = rules.get(name);
        for (String ref : rule.references()) {
            if (!rules.containsKey(ref)) {
                throw new IllegalArgumentException("rule " + name + " refers to undefined rule " + ref);
            }
            visit(ref, path, done);
        }
        path.remove(name);
        done.add(name);
    }

    /** Whether {@code caller} may perform {@code action} on a target with these attributes. */
    public boolean allows(String action, Identity caller, Map<String, String> target) {
        Rule rule = rules.get(action);
        if (rule == null) {
            rule = rules.get("default"); // oslo.policy: an action without a rule falls back to "default"
        }
        Map<String, String> t = Map.copyOf(target);
        Rule.Context c = new Rule.Context() {
            public Identity caller() {
                return caller;
            }

            public Map<String, String> target() {
                return t;
            }

            public boolean rule(String name) {
                Rule r = rules.get(name);
                return r != null && r.test(this);
            }
        };
        return rule != null && rule.test(c);
    }

    /** The target most checks use: the caller's own project. */
    public boolean allows(String action, Identity caller) {
        return allows(action, caller, Map.of("project_id", caller.projectId()));
    }

    /** @throws AccessDeniedException with Glance's message when the action is not allowed */
    public void enforce(String action, Identity caller, Map<String, String> target) {
        if (!allows(action, caller, target)) {
            throw new AccessDeniedException("You are not authorized to complete " + action + " action.");
        }
    }

    public void enforce(String action, Identity caller) {
        enforce(action, caller, Map.of("project_id", caller.projectId()));
    }

    /** Whether the caller passes {@code context_is_admin} (sees every project's objects). */
    public boolean isAdmin(Identity caller) {
        return allows(CONTEXT_IS_ADMIN, caller);
    }

    /** Rule names, for documentation and tests. */
    public Set<String> names() {
        return rules.keySet();
    }
}
