package dev.ferry.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsMatchTheDesignContract() {
        FerryConfig c = ConfigLoader.load(null, Map.of(), Map.of()).config();
        assertThat(c.server().host()).isEqualTo("127.0.0.1");
        assertThat(c.server().port()).isEqualTo(9292);
        assertThat(c.server().dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.database().url()).startsWith("jdbc:h2:").contains("MODE=PostgreSQL");
        assertThat(c.tasks().access()).isEqualTo(FerryConfig.TaskAccess.ADMIN);
        assertThat(c.tasks().ttl()).isEqualTo(Duration.ofHours(48));
        assertThat(c.tasks().maxAttempts()).isEqualTo(3);
        assertThat(c.url().allowedPorts()).containsExactly(80, 443);
        assertThat(c.url().deniedPorts()).isEmpty();
        assertThat(c.url().allowedHosts()).isEmpty();
        assertThat(c.identity().type()).isEqualTo("noauth");
        assertThat(c.store().type()).isEqualTo("file");
        assertThat(c.importing().profile()).isEqualTo("openstack");
    }

    @Test
    void environmentOverridesTheFileAndCommandLineOverridesBoth() throws Exception {
        Path file = dir.resolve("ferry.properties");
        Files.writeString(file, "tasks.access = member\ntasks.ttl_hours = 5\nurl.allowed_hosts = 10.0.0.0/8, 127.0.0.1\n");
        ConfigLoader.Loaded l = ConfigLoader.load(file, Map.of("FERRY_TASKS_TTL_HOURS", "7",
                "FERRY_DATABASE_URL", "jdbc:postgresql://db/ferry", "FERRY_JAVA_OPTS", "-Xmx1g", "PATH", "/bin"),
                Map.of("server.listen", "0.0.0.0:8080"));
        FerryConfig c = l.config();
        assertThat(c.tasks().access()).isEqualTo(FerryConfig.TaskAccess.MEMBER);
        assertThat(c.tasks().ttl()).isEqualTo(Duration.ofHours(7));
        assertThat(c.url().allowedHosts()).containsExactly("10.0.0.0/8", "127.0.0.1");
        assertThat(c.database().url()).isEqualTo("jdbc:postgresql://db/ferry");
        assertThat(c.server().host()).isEqualTo("0.0.0.0");
        assertThat(c.server().port()).isEqualTo(8080);
        assertThat(l.warnings()).isEmpty();
    }

    @Test
    void unknownKeysAreRejectedAndUnknownFerryVariablesWarned() throws Exception {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "tasks.acess = member\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tasks.acess");
        assertThat(ConfigLoader.load(null, Map.of("FERRY_TASKS_ACESS", "x"), Map.of()).warnings())
                .containsExactly("ignoring environment variable FERRY_TASKS_ACESS: no such config key");
    }

    @Test
    void importMethodsDefaultToGlanceDirectAndWebDownloadAndRefuseCopyImage() {
        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).config().importing().methods())
                .containsExactly("glance-direct", "web-download");
        assertThat(ConfigLoader.load(null, Map.of("FERRY_IMPORT_METHODS", "web-download"), Map.of()).config()
                .importing().methods()).containsExactly("web-download");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("import.methods", "glance-direct,copy-image")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("copy-image").hasMessageContaining("one store");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("import.methods", "glance-download")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("import.methods");
    }

    @Test
    void badValuesAreRejectedWithTheKeyName() {
        for (Map.Entry<String, String> bad : List.of(Map.entry("tasks.access", "everyone"),
                Map.entry("tasks.ttl_hours", "-1"), Map.entry("server.listen", "nowhere"),
                Map.entry("url.allowed_ports", "80,http"), Map.entry("database.url", "jdbc:mysql://x"),
                Map.entry("url.denied_ports", "0"), Map.entry("url.denied_ports", "8080,x"),
                Map.entry("tasks.heartbeat_seconds", "60"), Map.entry("identity.type", "static"))) {
            assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of(bad.getKey(), bad.getValue())))
                    .as(bad.toString()).isInstanceOf(ConfigException.class);
        }
    }

    @Test
    void deniedPortsAreReadAsACommaList() {
        FerryConfig c = ConfigLoader.load(null, Map.of(), Map.of("url.denied_ports", "8080, 443")).config();
        assertThat(c.url().deniedPorts()).containsExactly(8080, 443);
    }

    @Test
    void keystoneNeedsItsUrlAndServiceAccountAndDefaultsItsDomainsAndCache() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("identity.type", "keystone")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("keystone.url");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("identity.type", "keystone",
                "keystone.url", "http://127.0.0.1:5000/v3"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("keystone.user");
        FerryConfig c = ConfigLoader.load(null, Map.of("FERRY_KEYSTONE_PASSWORD", "pw"), Map.of("identity.type",
                "keystone", "keystone.url", "http://127.0.0.1:5000/v3", "keystone.user", "ferry",
                "keystone.project", "service", "policy.file", "/etc/ferry/policy.json")).config();
        assertThat(c.identity().keystone().userDomain()).isEqualTo("Default");
        assertThat(c.identity().keystone().projectDomain()).isEqualTo("Default");
        assertThat(c.identity().keystone().cacheTtl()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.identity().keystone().toString()).doesNotContain("pw");
        assertThat(c.identity().policyFile()).isEqualTo(Path.of("/etc/ferry/policy.json"));
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("keystone.cache_seconds", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("keystone.cache_seconds");
    }

    @Test
    void envNamesFollowTheContractAndSecretsAreMasked() {
        assertThat(ConfigKeys.envName("import.profile")).isEqualTo("FERRY_IMPORT_PROFILE");
        assertThat(ConfigKeys.envName("url.allowed_hosts")).isEqualTo("FERRY_URL_ALLOWED_HOSTS");
        ConfigLoader.Loaded l = ConfigLoader.load(null, Map.of("FERRY_DATABASE_PASSWORD", "hunter2"), Map.of());
        assertThat(ConfigLoader.describe(l.effective())).contains("database.password=****").doesNotContain("hunter2");
    }

    @Test
    void objectStorageStoresNeedTheirCredentials() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("store.type", "swift")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("swift.auth_url");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("store.type", "s3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("s3.bucket");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("swift.auth_url", "file:///etc/passwd")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("swift.auth_url");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("s3.part_bytes", "1000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("s3.part_bytes");

        FerryConfig c = ConfigLoader.load(null, Map.of("FERRY_SWIFT_KEY", "secret"), Map.of("store.type", "swift",
                "swift.auth_url", "http://127.0.0.1:18181/auth/v1.0", "swift.user", "ferry:operator",
                "swift.segment_bytes", "2097152")).config();
        assertThat(c.store().swift().authUrl()).hasToString("http://127.0.0.1:18181/auth/v1.0");
        assertThat(c.store().swift().container()).isEqualTo("ferry-images");
        assertThat(c.store().swift().resellerPrefix()).isEqualTo("AUTH_");
        assertThat(c.store().swift().segmentBytes()).isEqualTo(2097152);
        assertThat(c.store().swift().toString()).doesNotContain("secret");
        assertThat(c.store().s3().partBytes()).isEqualTo(64L << 20);
        assertThat(c.store().s3().endpoint()).isNull();
    }

    @Test
    void aKeystoneSwiftAuthUrlNeedsAProjectScopedUser() {
        assertThat(ConfigLoader.load(null, Map.of(), Map.of("swift.auth_url", "http://127.0.0.1:18181/auth/v1.0"))
                .config().store().swift().keystone()).isFalse();
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("swift.auth_url", "http://127.0.0.1:5000/v3",
                "swift.user", "ferry"))).isInstanceOf(ConfigException.class).hasMessageContaining("project:user");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("swift.auth_url", "http://127.0.0.1:5000/v3",
                "swift.user", "service:ferry", "swift.interface", "private"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("swift.interface");
        FerryConfig.Swift s = ConfigLoader.load(null, Map.of(), Map.of("swift.auth_url", "http://127.0.0.1:5000/v3/",
                "swift.user", "service:ferry", "swift.interface", "internal")).config().store().swift();
        assertThat(s.keystone()).isTrue();
        assertThat(s.endpointInterface()).isEqualTo("internal");
        assertThat(s.userDomain()).isEqualTo("Default");
        assertThat(s.projectDomain()).isEqualTo("Default");
        FerryConfig.Swift domains = ConfigLoader.load(null, Map.of("FERRY_SWIFT_USER_DOMAIN", "people"),
                Map.of("swift.auth_url", "http://127.0.0.1:5000/v3", "swift.user", "service:ferry",
                        "swift.project_domain", "projects")).config().store().swift();
        assertThat(domains.userDomain()).isEqualTo("people");
        assertThat(domains.projectDomain()).isEqualTo("projects");
    }

    // --- multistore (stores.enabled)

    private static Map<String, String> settings(String... kv) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static FerryConfig withStores(Map<String, String> settings) {
        return ConfigLoader.load(null, Map.of(), settings).config();
    }

    @Test
    void theSingleStoreConfigIsNotMultistore() {
        FerryConfig c = withStores(Map.of());
        assertThat(c.stores().multistore()).isFalse();
        assertThat(c.stores().enabled()).isEmpty();
    }

    @Test
    void namedStoresTakeTheirOwnSettingsOverTheSharedOnes() {
        FerryConfig c = withStores(settings("server.data_dir", "/srv/ferry",
                "stores.enabled", "fast:file, cold:file, obj:swift", "stores.default", "fast",
                "stores.cold.file.root", "/mnt/cold", "stores.fast.description", "Fast disks",
                "swift.auth_url", "http://127.0.0.1:18181/auth/v1.0", "swift.user", "test:tester", "swift.key", "testing",
                "stores.obj.swift.container", "other", "stores.obj.swift.segment_bytes", "2097152",
                "import.methods", "glance-direct,copy-image"));
        assertThat(c.stores().multistore()).isTrue();
        assertThat(c.stores().defaultId()).isEqualTo("fast");
        assertThat(c.stores().enabled()).extracting(FerryConfig.NamedStore::id).containsExactly("fast", "cold", "obj");
        FerryConfig.NamedStore fast = c.stores().enabled().get(0);
        assertThat(fast.description()).isEqualTo("Fast disks");
        assertThat(fast.store().fileRoot()).isEqualTo(Path.of("/srv/ferry/stores/fast"));
        assertThat(c.stores().enabled().get(1).store().fileRoot()).isEqualTo(Path.of("/mnt/cold"));
        FerryConfig.Store obj = c.stores().enabled().get(2).store();
        assertThat(obj.type()).isEqualTo("swift");
        assertThat(obj.swift().container()).isEqualTo("other");
        assertThat(obj.swift().segmentBytes()).isEqualTo(2097152);
        assertThat(obj.swift().user()).isEqualTo("test:tester");
        assertThat(c.store().swift().container()).isEqualTo("ferry-images"); // the shared setting is unchanged
        assertThat(c.importing().methods()).containsExactly("glance-direct", "copy-image");
        assertThat(ConfigKeys.isSecret("stores.obj.swift.key")).isTrue();
        assertThat(ConfigKeys.isSecret("stores.obj.swift.container")).isFalse();
    }

    @Test
    void badStoreConfigsStopTheStartWithAClearMessage() {
        Map<Map<String, String>, String> bad = new java.util.LinkedHashMap<>();
        bad.put(settings("stores.enabled", "fast:file, cold:tape", "stores.default", "fast"), "unknown type 'tape'");
        bad.put(settings("stores.enabled", "fast:file, cold:file", "stores.default", "warm"),
                "stores.default must be one of the stores of stores.enabled (cold, fast), got 'warm'");
        bad.put(settings("stores.enabled", "fast:file, cold:file"), "stores.default must be one of");
        bad.put(settings("stores.enabled", "fast:file, fast:file", "stores.default", "fast"), "'fast' is listed twice");
        bad.put(settings("stores.enabled", "fa/st:file", "stores.default", "fa/st"), "bad store id 'fa/st'");
        bad.put(settings("stores.enabled", "os_glance_staging_store:file", "stores.default", "os_glance_staging_store"),
                "bad store id");
        bad.put(settings("stores.default", "fast"), "need stores.enabled");
        bad.put(settings("stores.enabled", "fast:file", "stores.default", "fast", "stores.cold.file.root", "/x"),
                "stores.cold.* configures a store that is not in stores.enabled");
        bad.put(settings("stores.enabled", "obj:swift", "stores.default", "obj"),
                "stores.enabled obj=swift needs swift.auth_url");
        bad.put(settings("import.methods", "glance-direct,copy-image"), "copy-image copies an image to another store");
        bad.forEach((settings, message) -> assertThatThrownBy(() -> withStores(settings))
                .as(settings.toString()).isInstanceOf(ConfigException.class).hasMessageContaining(message));
        assertThatThrownBy(() -> withStores(Map.of("stores.fast.file.rot", "/x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown config key 'stores.fast.file.rot'");
    }
    // --- named stores never share their data (deleting from one would delete the other's)

    private static Map<String, String> swiftStores(String... kv) {
        Map<String, String> m = settings("stores.enabled", "a:swift, b:swift", "stores.default", "a",
                "swift.auth_url", "http://127.0.0.1:18181/auth/v1.0", "swift.user", "test:tester", "swift.key", "testing");
        m.putAll(settings(kv));
        return m;
    }

    private static Map<String, String> s3Stores(String... kv) {
        Map<String, String> m = settings("stores.enabled", "a:s3, b:s3", "stores.default", "a",
                "s3.endpoint", "http://127.0.0.1:18181", "s3.access_key", "k", "s3.secret_key", "s");
        m.putAll(settings(kv));
        return m;
    }

    @Test
    void twoStoresOfOneKindMayNotShareABucketOrContainer() {
        Map<Map<String, String>, String> bad = new java.util.LinkedHashMap<>();
        // both fall back to the shared swift.container
        bad.put(swiftStores(), "stores 'a' and 'b' share Swift container 'ferry-images'");
        // one names the shared container, the other falls back to it
        bad.put(swiftStores("swift.container", "imgs", "stores.a.swift.container", "imgs"),
                "stores 'a' and 'b' share Swift container 'imgs'");
        // the same account through another user, another spelling of the auth URL
        bad.put(swiftStores("stores.a.swift.container", "x", "stores.b.swift.container", "x",
                "stores.b.swift.user", "test:other", "stores.b.swift.key", "k2",
                "stores.b.swift.auth_url", "http://127.0.0.1:18181/auth/v1.0/"),
                "stores 'a' and 'b' share Swift container 'x'");
        // one store's segment container is the other's container
        bad.put(swiftStores("stores.a.swift.container", "imgs", "stores.b.swift.container", "imgs_segments"),
                "stores 'a' and 'b' share Swift container 'imgs_segments'");
        bad.put(s3Stores("s3.bucket", "images"), "stores 'a' and 'b' share S3 bucket 'images'");
        bad.put(s3Stores("s3.bucket", "images", "stores.b.s3.bucket", "images", "stores.b.s3.access_key", "k2"),
                "stores 'a' and 'b' share S3 bucket 'images'");
        bad.put(s3Stores("s3.endpoint", "", "s3.bucket", "images", "stores.b.s3.region", "eu-west-1"),
                "stores 'a' and 'b' share S3 bucket 'images'"); // AWS: bucket names are global
        bad.put(settings("stores.enabled", "a:file, b:file", "stores.default", "a",
                "stores.a.file.root", "/srv/images", "stores.b.file.root", "/srv/x/../images/"),
                "stores 'a' and 'b' share directory '/srv/images'");
        bad.forEach((settings, message) -> assertThatThrownBy(() -> withStores(settings))
                .as(settings.toString()).isInstanceOf(ConfigException.class).hasMessageContaining(message));
        assertThatThrownBy(() -> withStores(swiftStores())).hasMessageContaining("at http://127.0.0.1:18181/auth/v1.0")
                .hasMessageContaining("stores.<id>.swift.container");

        // apart: own containers, other accounts, other endpoints, own buckets
        assertThat(withStores(swiftStores("stores.b.swift.container", "other")).stores().enabled()).hasSize(2);
        assertThat(withStores(swiftStores("stores.b.swift.user", "other:tester")).stores().enabled()).hasSize(2);
        assertThat(withStores(swiftStores("stores.b.swift.auth_url", "http://10.0.0.2:8080/auth/v1.0"))
                .stores().enabled()).hasSize(2);
        assertThat(withStores(s3Stores("stores.a.s3.bucket", "one", "stores.b.s3.bucket", "two")).stores().enabled())
                .hasSize(2);
        assertThat(withStores(s3Stores("s3.bucket", "images", "stores.b.s3.endpoint", "http://10.0.0.2:9000"))
                .stores().enabled()).hasSize(2);
        // a Swift store and an S3 store are different kinds (an s3api bucket cannot be told apart by its URL)
        assertThat(withStores(settings("stores.enabled", "a:swift, b:s3", "stores.default", "a",
                "swift.auth_url", "http://127.0.0.1:18181/auth/v1.0", "swift.user", "test:tester", "swift.key", "t",
                "s3.endpoint", "http://127.0.0.1:18181", "s3.access_key", "k", "s3.secret_key", "s",
                "s3.bucket", "ferry-images")).stores().enabled()).hasSize(2);
    }
}
