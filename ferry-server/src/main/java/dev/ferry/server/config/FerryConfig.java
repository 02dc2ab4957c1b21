package dev.ferry.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The typed, validated configuration. Build it with {@link ConfigLoader}. */
public record FerryConfig(Server server, Database database, Tasks tasks, Import importing, Url url,
                          Store store, Identity identity, Images images, Stores stores) {

    /** HTTP listener and request bounds. */
    public record Server(String host, int port, Path dataDir, long maxBodyBytes, int maxJsonDepth) {
    }

    /** JDBC settings; {@code url} is never empty after {@link #from}. */
    public record Database(String url, String user, String password, int poolSize) {
        @Override
        public String toString() {
            return "Database[url=" + url + ", user=" + user + ", poolSize=" + poolSize + "]";
        }
    }

    /** Task API policy and engine tuning. */
    public record Tasks(TaskAccess access, Duration ttl, int workers, Duration lease, Duration heartbeat,
                        int maxAttempts, Duration poll, Duration reaperInterval) {
    }

    /**
     * Import behaviour. {@code methods}: the interoperable import methods offered
     * ({@code import.methods}; Glance's {@code enabled_import_methods}).
     */
    public record Import(String profile, String outputFormat, List<String> methods) {
        public Import {
            methods = List.copyOf(methods);
        }
    }

    /** Source URL safety policy, as configured. */
    public record Url(List<String> allowedHosts, List<String> deniedHosts, List<Integer> allowedPorts,
                      List<Integer> deniedPorts, int maxRedirects, Duration connectTimeout, Duration readTimeout, long maxBytes) {
    }

    /** Where image data goes; {@code swift} and {@code s3} also serve Swift and S3 import sources. */
    public record Store(String type, Path fileRoot, Swift swift, S3 s3) {
    }

    /**
     * Swift as the operator: {@code authUrl} null when not configured. An auth URL whose path ends
     * in {@code /v3} is Keystone (then {@code user} is {@code project:user} and {@code endpointInterface}
     * picks the catalog's object-store endpoint); any other is auth v1.0.
     */
    public record Swift(java.net.URI authUrl, String user, String key, String resellerPrefix, String container,
                        long segmentBytes, String endpointInterface, String userDomain, String projectDomain) {
        /** Whether the auth URL names Keystone v3 (its path ends in {@code /v3}) rather than auth v1.0. */
        public boolean keystone() {
            String path = authUrl == null || authUrl.getPath() == null ? "" : authUrl.getPath();
            return path.endsWith("/v3") || path.endsWith("/v3/");
        }

        @Override
        public String toString() {
            return "Swift[authUrl=" + authUrl + ", user=" + user + ", resellerPrefix=" + resellerPrefix
                    + ", container=" + container + ", segmentBytes=" + segmentBytes
                    + ", interface=" + endpointInterface + ", userDomain=" + userDomain + ", projectDomain=" + projectDomain + "]";
        }
    }

    /** An S3 endpoint ({@code endpoint} null = AWS) and the images bucket. */
    public record S3(java.net.URI endpoint, String region, String accessKey, String secretKey, String bucket,
                     long partBytes) {
        @Override
        public String toString() {
            return "S3[endpoint=" + endpoint + ", region=" + region + ", accessKey=" + accessKey + ", bucket=" + bucket
                    + ", partBytes=" + partBytes + "]";
        }
    }

    /** How callers are identified, and the policy file (null: Glance's defaults) that says what they may do. */
    public record Identity(String type, Path tokensFile, Keystone keystone, Path policyFile) {
    }

    /** Keystone's v3 URL and Ferry's service account there; the validated-token cache. */
    public record Keystone(String url, String user, String password, String project, String userDomain,
                           String projectDomain, Duration cacheTtl, int cacheSize, Duration timeout) {
        @Override
        public String toString() {
            return "Keystone[url=" + url + ", user=" + user + ", project=" + project + "]";
        }
    }

    /**
     * Glance's multistore ({@code stores.enabled}, {@code stores.default}): named stores, each with
     * its own settings. Empty {@code enabled}: the single store of {@code store.*} (no multistore).
     */
    public record Stores(List<NamedStore> enabled, String defaultId) {
        public Stores {
            enabled = List.copyOf(enabled);
        }

        public boolean multistore() {
            return !enabled.isEmpty();
        }
    }

    /** One store of {@code stores.enabled}: its id, its {@code description} (may be empty) and its settings. */
    public record NamedStore(String id, String description, Store store) {
    }

    /** Images API bounds. */
    public record Images(long maxUploadBytes) {
    }

    /** Who may use the tasks API. */
    public enum TaskAccess { ADMIN, MEMBER }

    static FerryConfig from(Map<String, String> v) {
        Reader r = new Reader(v);
        String listen = r.str("server.listen");
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("server.listen must be HOST:PORT, got '" + listen + "'");
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = parseInt("server.listen", listen.substring(colon + 1), 0, 65535);
        Path dataDir = Path.of(r.str("server.data_dir"));
        Server server = new Server(host, port, dataDir, r.longIn("server.max_body_bytes", 1024, 1_000_000),
                r.intIn("server.max_json_depth", 4, 256));

        String dbUrl = r.str("database.url");
        if (dbUrl.isEmpty()) {
            // WRITE_DELAY=0: a 201 means the row is on disk, even if the process is killed right after.
            dbUrl = "jdbc:h2:async:" + dataDir.toAbsolutePath().normalize().resolve("ferry")
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
        } else if (!dbUrl.startsWith("jdbc:h2:") && !dbUrl.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("database.url must be a jdbc:h2: or jdbc:postgresql: URL");
        }
        Database database = new Database(dbUrl, r.str("database.user"), r.str("database.password"),
                r.intIn("database.pool_size", 2, 200));

        TaskAccess access = switch (r.str("tasks.access")) {
            case "admin" -> TaskAccess.ADMIN;
            case "member" -> TaskAccess.MEMBER;
            default -> throw new ConfigException("tasks.access must be 'admin' or 'member'");
        };
        int leaseSeconds = r.intIn("tasks.lease_seconds", 2, 86400);
        int heartbeatSeconds = r.intIn("tasks.heartbeat_seconds", 1, 86400);
        if (heartbeatSeconds >= leaseSeconds) {
            throw new ConfigException("tasks.heartbeat_seconds must be smaller than tasks.lease_seconds");
        }
        Tasks tasks = new Tasks(access, Duration.ofHours(r.intIn("tasks.ttl_hours", 1, 24 * 365)),
                r.intIn("tasks.workers", 1, 256), Duration.ofSeconds(leaseSeconds),
                Duration.ofSeconds(heartbeatSeconds), r.intIn("tasks.max_attempts", 1, 100),
                Duration.ofMillis(r.intIn("tasks.poll_millis", 10, 60000)),
                Duration.ofSeconds(r.intIn("tasks.reaper_seconds", 1, 86400)));

        Stores stores = stores(v, dataDir);
        Import importing = new Import(r.oneOf("import.profile", "openstack", "rackspace"),
                r.oneOf("import.output_format", "keep", "raw", "qcow2", "vhd"),
                importMethods(r.list("import.methods"), stores.multistore()));

        List<Integer> ports = r.list("url.allowed_ports").stream()
                .map(p -> parseInt("url.allowed_ports", p, 1, 65535)).toList();
        List<Integer> deniedPorts = r.list("url.denied_ports").stream()
                .map(p -> parseInt("url.denied_ports", p, 1, 65535)).toList();
        Url url = new Url(r.list("url.allowed_hosts"), r.list("url.denied_hosts"), ports, deniedPorts,
                r.intIn("url.max_redirects", 0, 20),
                Duration.ofSeconds(r.intIn("url.connect_timeout_seconds", 1, 3600)),
                Duration.ofSeconds(r.intIn("url.read_timeout_seconds", 1, 86400)),
                r.longIn("url.max_bytes", 1, Long.MAX_VALUE));

        Store store = store(r, r.oneOf("store.type", "file", "swift", "s3"), "store.type", dataDir.resolve("images"));

        String tokens = r.str("identity.tokens_file");
        String identityType = r.oneOf("identity.type", "noauth", "static", "keystone");
        if (identityType.equals("static") && tokens.isEmpty()) {
            throw new ConfigException("identity.type=static needs identity.tokens_file");
        }
        Keystone keystone = new Keystone(r.str("keystone.url"), r.str("keystone.user"), r.str("keystone.password"),
                r.str("keystone.project"), r.str("keystone.user_domain"), r.str("keystone.project_domain"),
                Duration.ofSeconds(r.intIn("keystone.cache_seconds", 0, 86400)),
                r.intIn("keystone.cache_size", 1, 1_000_000),
                Duration.ofSeconds(r.intIn("keystone.timeout_seconds", 1, 300)));
        if (identityType.equals("keystone")) {
            if (!keystone.url().startsWith("http://") && !keystone.url().startsWith("https://")) {
                throw new ConfigException("identity.type=keystone needs keystone.url (e.g. http://127.0.0.1:5000/v3)");
            }
            if (keystone.user().isEmpty() || keystone.password().isEmpty() || keystone.project().isEmpty()) {
                throw new ConfigException("identity.type=keystone needs keystone.user, keystone.password and "
                        + "keystone.project");
            }
        }
        String policyFile = r.str("policy.file");
        Identity identity = new Identity(identityType, tokens.isEmpty() ? null : Path.of(tokens), keystone,
                policyFile.isEmpty() ? null : Path.of(policyFile));
        Images images = new Images(r.longIn("images.max_upload_bytes", 1, Long.MAX_VALUE));
        return new FerryConfig(server, database, tasks, importing, url, store, identity, images, stores);
    }

    /** The settings of one store of type {@code storeType} (the same keys for the single store and named ones). */
    private static Store store(Reader r, String storeType, String typeKey, Path defaultRoot) {
        String fileRoot = r.str("store.file.root");
        Swift swift = new Swift(r.httpUrl("swift.auth_url"), r.str("swift.user"), r.str("swift.key"),
                r.str("swift.reseller_prefix"), r.str("swift.container"),
                r.longIn("swift.segment_bytes", 1 << 20, 5L << 30), r.oneOf("swift.interface", "public", "internal", "admin"),
                r.str("swift.user_domain"), r.str("swift.project_domain"));
        S3 s3 = new S3(r.httpUrl("s3.endpoint"), r.str("s3.region"), r.str("s3.access_key"), r.str("s3.secret_key"),
                r.str("s3.bucket"), r.longIn("s3.part_bytes", 5L << 20, 512L << 20));
        if (storeType.equals("swift") && (swift.authUrl() == null || swift.user().isEmpty() || swift.key().isEmpty())) {
            throw new ConfigException(typeKey + "=swift needs swift.auth_url, swift.user and swift.key");
        }
        if (swift.keystone()
                && (swift.user().indexOf(':') <= 0 || swift.user().indexOf(':') == swift.user().length() - 1)) {
            throw new ConfigException("swift.auth_url is Keystone v3: swift.user must be project:user, not " + swift.user());
        }
        if (storeType.equals("s3") && (s3.bucket().isEmpty() || s3.accessKey().isEmpty() || s3.secretKey().isEmpty())) {
            throw new ConfigException(typeKey + "=s3 needs s3.bucket, s3.access_key and s3.secret_key");
        }
        return new Store(storeType, fileRoot.isEmpty() ? defaultRoot : Path.of(fileRoot), swift, s3);
    }

    /** A store id: what Glance accepts in {@code enabled_backends} and Ferry in URLs and headers. */
    private static final java.util.regex.Pattern STORE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /**
     * {@code stores.enabled = id:type, ...} and {@code stores.default}; each store's settings are
     * the {@code store.*}/{@code swift.*}/{@code s3.*} ones, overridden by {@code stores.<id>.<key>}.
     */
    private static Stores stores(Map<String, String> v, Path dataDir) {
        Reader r = new Reader(v);
        List<String> entries = r.list("stores.enabled");
        String defaultId = r.str("stores.default").trim();
        java.util.Set<String> configured = new java.util.TreeSet<>();
        v.keySet().forEach(k -> {
            if (ConfigKeys.perStoreSetting(k) != null) {
                configured.add(k.substring("stores.".length(), k.length() - ConfigKeys.perStoreSetting(k).length() - 1));
            }
        });
        if (entries.isEmpty()) {
            if (!defaultId.isEmpty() || !configured.isEmpty()) {
                throw new ConfigException("stores.default and stores.<id>.* need stores.enabled (id:type, ...)");
            }
            return new Stores(List.of(), "");
        }
        List<NamedStore> named = new java.util.ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (String entry : entries) {
            int colon = entry.indexOf(':');
            String id = colon < 0 ? entry : entry.substring(0, colon).trim();
            String type = colon < 0 ? "" : entry.substring(colon + 1).trim();
            if (!STORE_ID.matcher(id).matches() || id.startsWith("os_glance_")) {
                throw new ConfigException("stores.enabled: bad store id '" + id + "' (letters, digits, '_' and '-', "
                        + "at most 64, not starting with os_glance_)");
            }
            if (!type.equals("file") && !type.equals("swift") && !type.equals("s3")) {
                throw new ConfigException("stores.enabled: store '" + id + "' has unknown type '" + type
                        + "'; write id:file, id:swift or id:s3");
            }
            if (!ids.add(id)) {
                throw new ConfigException("stores.enabled: store id '" + id + "' is listed twice");
            }
            Map<String, String> own = new java.util.HashMap<>(v);
            for (String setting : ConfigKeys.PER_STORE) {
                String value = v.get("stores." + id + "." + setting);
                if (value != null) {
                    own.put(setting.equals("file.root") ? "store.file.root" : setting, value);
                } else if (setting.equals("file.root")) {
                    own.put("store.file.root", ""); // two file stores never share the single store's root
                }
            }
            Store store = store(new Reader(own), type, "stores.enabled " + id, dataDir.resolve("stores").resolve(id));
            named.add(new NamedStore(id, v.getOrDefault("stores." + id + ".description", ""), store));
        }
        checkApart(named);
        configured.removeAll(ids);
        if (!configured.isEmpty()) {
            throw new ConfigException("stores." + configured.iterator().next() + ".* configures a store that is not in "
                    + "stores.enabled");
        }
        if (defaultId.isEmpty() || !ids.contains(defaultId)) {
            throw new ConfigException("stores.default must be one of the stores of stores.enabled ("
                    + String.join(", ", ids.stream().sorted().toList()) + "), got '" + defaultId + "'");
        }
        return new Stores(named, defaultId);
    }

    /**
     * Refuses two named stores of one kind that keep their data in the same place: deleting an
     * image from one store would delete it from the other (image ids are the keys in every store).
     * Compared as configured, after the fallback to the shared {@code swift.*}/{@code s3.*} keys:
     * Swift by auth URL, account and container (a store also owns {@code <container>_segments}),
     * S3 by endpoint (AWS: any region) and bucket, file stores by directory. Two spellings of one
     * server (a name and its address) are not recognised.
     */
    private static void checkApart(List<NamedStore> named) {
        for (int i = 0; i < named.size(); i++) {
            for (int j = i + 1; j < named.size(); j++) {
                String shared = sharedPlace(named.get(i).store(), named.get(j).store());
                if (shared != null) {
                    String a = named.get(i).id();
                    String b = named.get(j).id();
                    throw new ConfigException("stores.enabled: stores '" + a + "' and '" + b + "' share " + shared
                            + ": deleting an image from one would delete it from the other; give each its own "
                            + switch (named.get(i).store().type()) {
                                case "swift" -> "stores.<id>.swift.container";
                                case "s3" -> "stores.<id>.s3.bucket";
                                default -> "stores.<id>.file.root";
                            });
                }
            }
        }
    }

    /** What two stores share, said for the message; null if nothing. */
    private static String sharedPlace(Store a, Store b) {
        if (!a.type().equals(b.type())) {
            return null;
        }
        switch (a.type()) {
            case "swift" -> {
                if (!sameServer(a.swift().authUrl(), b.swift().authUrl())
                        || !account(a.swift().user()).equals(account(b.swift().user()))) {
                    return null;
                }
                List<String> mine = List.of(a.swift().container(), a.swift().container() + "_segments");
                List<String> theirs = List.of(b.swift().container(), b.swift().container() + "_segments");
                return mine.stream().filter(theirs::contains).findFirst()
                        .map(c -> "Swift container '" + c + "' at " + a.swift().authUrl() + " (account '"
                                + account(a.swift().user()) + "')")
                        .orElse(null);
            }
            case "s3" -> {
                if (!sameServer(a.s3().endpoint(), b.s3().endpoint()) || !a.s3().bucket().equals(b.s3().bucket())) {
                    return null;
                }
                return "S3 bucket '" + a.s3().bucket() + "' at " + (a.s3().endpoint() == null ? "AWS" : a.s3().endpoint());
            }
            default -> {
                Path root = a.fileRoot().toAbsolutePath().normalize();
                return root.equals(b.fileRoot().toAbsolutePath().normalize()) ? "directory '" + root + "'" : null;
            }
        }
    }

    /** Swift's account of an operator user: {@code account:user} (tempauth) or {@code project:user} (Keystone). */
    private static String account(String user) {
        int colon = user.indexOf(':');
        return colon < 0 ? user : user.substring(0, colon);
    }

    /** The same URL up to case of scheme and host, an implied port and a trailing slash (null: AWS). */
    private static boolean sameServer(java.net.URI a, java.net.URI b) {
        if (a == null || b == null) {
            return a == b;
        }
        return serverKey(a).equals(serverKey(b));
    }

    private static String serverKey(java.net.URI u) {
        String scheme = u.getScheme().toLowerCase(java.util.Locale.ROOT);
        int port = u.getPort() >= 0 ? u.getPort() : scheme.equals("https") ? 443 : 80;
        String path = u.getPath() == null ? "" : u.getPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return scheme + "://" + u.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + port + path;
    }

    /** glance-direct, web-download, and copy-image when there are several stores ({@code stores.enabled}). */
    private static List<String> importMethods(List<String> methods, boolean multistore) {
        for (String m : methods) {
            if (m.equals("copy-image") && !multistore) {
                throw new ConfigException("import.methods: copy-image copies an image to another store and needs "
                        + "stores.enabled (several stores); with one store use glance-direct and/or web-download");
            }
            if (!m.equals("glance-direct") && !m.equals("web-download") && !m.equals("copy-image")) {
                throw new ConfigException("import.methods must list glance-direct, web-download and/or copy-image, got '"
                        + m + "'");
            }
        }
        return List.copyOf(new java.util.LinkedHashSet<>(methods));
    }

    private static int parseInt(String key, String text, int min, int max) {
        return (int) parseLong(key, text, min, max);
    }

    private static long parseLong(String key, String text, long min, long max) {
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a number, got '" + text + "'");
        }
        if (value < min || value > max) {
            throw new ConfigException(key + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    private record Reader(Map<String, String> values) {
        String str(String key) {
            String v = values.get(key);
            if (v == null) {
                throw new IllegalStateException("no default for " + key);
            }
            return v;
        }

        int intIn(String key, int min, int max) {
            return parseInt(key, str(key), min, max);
        }

        long longIn(String key, long min, long max) {
            return parseLong(key, str(key), min, max);
        }

        String oneOf(String key, String... allowed) {
            String v = str(key);
            if (!Arrays.asList(allowed).contains(v)) {
                throw new ConfigException(key + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
            }
            return v;
        }

        /** An absolute http(s) URL, or null when the key is empty. */
        java.net.URI httpUrl(String key) {
            String v = str(key).trim();
            if (v.isEmpty()) {
                return null;
            }
            try {
                java.net.URI uri = new java.net.URI(v);
                if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new ConfigException(key + " must be an http:// or https:// URL, got '" + v + "'");
                }
                return uri;
            } catch (java.net.URISyntaxException e) {
                throw new ConfigException(key + " is not a valid URL: '" + v + "'");
            }
        }

        List<String> list(String key) {
            return Arrays.stream(str(key).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }
}
