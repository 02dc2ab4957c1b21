package dev.ferry.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the effective configuration from, in increasing precedence: defaults, a properties file
 * ({@code key = value}), {@code FERRY_*} environment variables, and command-line overrides.
 * Unknown keys in the file or on the command line are an error; unknown {@code FERRY_*}
 * variables are reported as warnings (the launcher itself uses {@code FERRY_JAVA_OPTS}).
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** The result: the typed config plus warnings to log. */
    public record Loaded(FerryConfig config, Map<String, String> effective, List<String> warnings) {
    }

    public static Loaded load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(ConfigKeys.defaults());
        List<String> warnings = new ArrayList<>();
        if (file != null) {
            Properties props = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(r);
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
            }
            for (String key : props.stringPropertyNames()) {
                if (!ConfigKeys.isKnown(key)) {
                    throw new ConfigException("unknown config key '" + key + "' in " + file);
                }
                values.put(key, props.getProperty(key).trim());
            }
        }
        Map<String, String> envToKey = new HashMap<>();
        for (String key : ConfigKeys.defaults().keySet()) {
            envToKey.put(ConfigKeys.envName(key), key);
        }
        env.keySet().stream().sorted().forEach(name -> {
            if (!name.startsWith("FERRY_")) {
                return;
            }
            String key = envToKey.get(name);
            if (key != null) {
                values.put(key, env.get(name).trim());
            } else if (!name.equals("FERRY_JAVA_OPTS")) {
                warnings.add("ignoring environment variable " + name + ": no such config key");
            }
        });
        overrides.forEach((key, value) -> {
            if (!ConfigKeys.isKnown(key)) {
                throw new ConfigException("unknown config key '" + key + "'");
            }
            values.put(key, value);
        });
        return new Loaded(FerryConfig.from(values), values, warnings);
    }

    /** The effective configuration as one log line, secrets masked. */
    public static String describe(Map<String, String> effective) {
        StringBuilder sb = new StringBuilder();
        effective.forEach((k, v) -> {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(k).append('=').append(ConfigKeys.isSecret(k) && !v.isEmpty() ? "****" : v);
        });
        return sb.toString();
    }
}
