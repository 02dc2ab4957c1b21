package dev.ferry.server.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every configuration key Ferry knows, with its default (an empty string means "unset"). A key
 * not listed here is rejected wherever it appears (config file, command line).
 */
public final class ConfigKeys {

    private static final Map<String, String> DEFAULTS;
    private static final Set<String> SECRETS = Set.of("database.password", "swift.key", "s3.secret_key",
            "keystone.password");

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("server.listen", "127.0.0.1:9292");
        d.put("server.data_dir", "./data");
        d.put("server.max_body_bytes", "1000000");
        d.put("server.max_json_depth", "32");
        d.put("database.url", "");
        d.put("database.user", "");
        d.put("database.password", "");
        d.put("database.pool_size", "16");
        d.put("tasks.access", "admin");
        d.put("tasks.ttl_hours", "48");
        d.put("tasks.workers", "4");
        d.put("tasks.lease_seconds", "30");
        d.put("tasks.heartbeat_seconds", "10");
        d.put("tasks.max_attempts", "3");
        d.put("tasks.poll_millis", "1000");
        d.put("tasks.reaper_seconds", "60");
        d.put("import.profile", "openstack");
        d.put("import.output_format", "keep");
        d.put("import.methods", "glance-direct,web-download");
        d.put("url.allowed_hosts", "");
        d.put("url.denied_hosts", "");
        d.put("url.allowed_ports", "80,443");
        d.put("url.denied_ports", "");
        d.put("url.max_redirects", "5");
        d.put("url.connect_timeout_seconds", "10");
        d.put("url.read_timeout_seconds", "60");
        d.put("url.max_bytes", "1099511627776");
        d.put("store.type", "file");
        d.put("store.file.root", "");
        d.put("swift.auth_url", "");
        d.put("swift.user", "");
        d.put("swift.key", "");
        d.put("swift.reseller_prefix", "AUTH_");
        d.put("swift.container", "ferry-images");
        d.put("swift.segment_bytes", "1073741824");
        d.put("swift.interface", "public");
        d.put("swift.user_domain", "Default");
        d.put("swift.project_domain", "Default");
        d.put("s3.endpoint", "");
        d.put("s3.region", "");
        d.put("s3.access_key", "");
        d.put("s3.secret_key", "");
        d.put("s3.bucket", "");
        d.put("s3.part_bytes", "67108864");
        d.put("identity.type", "noauth");
        d.put("identity.tokens_file", "");
        d.put("keystone.url", "");
        d.put("keystone.user", "");
        d.put("keystone.password", "");
        d.put("keystone.project", "");
        d.put("keystone.user_domain", "Default");
        d.put("keystone.project_domain", "Default");
        d.put("keystone.cache_seconds", "300");
        d.put("keystone.cache_size", "10000");
        d.put("keystone.timeout_seconds", "10");
        d.put("policy.file", "");
        d.put("images.max_upload_bytes", "1099511627776");
        d.put("stores.enabled", "");
        d.put("stores.default", "");
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    private ConfigKeys() {
    }

    /** Keys in documentation order, with their defaults. */
    public static Map<String, String> defaults() {
        return DEFAULTS;
    }

    public static boolean isKnown(String key) {
        return DEFAULTS.containsKey(key) || perStoreSetting(key) != null;
    }

    public static boolean isSecret(String key) {
        String setting = perStoreSetting(key);
        return SECRETS.contains(key) || (setting != null && SECRETS.contains(setting));
    }

    /** Settings a named store ({@code stores.enabled}) may override: {@code stores.<id>.<setting>}. */
    static final Set<String> PER_STORE = perStore();

    private static Set<String> perStore() {
        Set<String> s = new java.util.LinkedHashSet<>(List.of("description", "file.root"));
        DEFAULTS.keySet().stream().filter(k -> k.startsWith("swift.") || k.startsWith("s3.")).forEach(s::add);
        return Collections.unmodifiableSet(s);
    }

    /** {@code stores.cold.file.root} → {@code file.root}; null if {@code key} is no per-store setting. */
    static String perStoreSetting(String key) {
        if (!key.startsWith("stores.")) {
            return null;
        }
        int dot = key.indexOf('.', "stores.".length());
        if (dot <= "stores.".length()) {
            return null;
        }
        String setting = key.substring(dot + 1);
        return PER_STORE.contains(setting) ? setting : null;
    }

    /** {@code import.profile} → {@code FERRY_IMPORT_PROFILE}. */
    public static String envName(String key) {
        return "FERRY_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }
}
