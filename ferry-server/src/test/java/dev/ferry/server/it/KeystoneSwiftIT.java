package dev.ferry.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.format.convert.TargetFormat;
import dev.ferry.server.TestDatabases;
import dev.ferry.server.TestServer;
import dev.ferry.server.TestServer.Reply;
import dev.ferry.server.objectstorage.KeystoneV3Auth;
import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftClient.Call;
import dev.ferry.server.tasks.TestImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Swift behind the real Keystone: a second SAIO whose proxy takes Keystone tokens
 * (keystoneauth, accounts {@code KEY_<project id>}), Ferry with {@code identity.type=keystone}
 * and {@code swift.auth_url} = Keystone v3. A customer uploads a VHD into its own account with
 * its own token; Ferry, authenticated to Swift through Keystone as its service user (reseller
 * admin), imports it into its Swift store; another project cannot name that object.
 */
class KeystoneSwiftIT {

    @TempDir
    static Path dir;
    static TestServer ferry;
    static SwiftClient demo;
    static SwiftClient service;
    static KeystoneFixture.Token demoToken;
    static final String CONTAINER = "exports-" + UUID.randomUUID();
    static final String STORE_CONTAINER = "ferry-images-" + UUID.randomUUID();
    static byte[] vhd;

    @BeforeAll
    static void start() throws IOException {
        KeystoneFixture.require();
        String storeUrl = "http://127.0.0.1:" + Saio.KEYSTONE_PORT + "/v1/KEY_%(project_id)s";
        assertThat(KeystoneFixture.script(java.util.List.of("object-store", storeUrl), Map.of()))
                .as("keystone.sh object-store").isTrue();
        Saio.requireWithKeystone(KeystoneFixture.URL);

        demoToken = KeystoneFixture.token("demo-member", "demo", "demo");
        // the customer's own view of its account, through the real Keystone (the class under test, as a user)
        demo = client("demo", "demo-member", "demo");
        service = client("service", "ferry", "ferry-service");
        vhd = TestImages.convert(TestImages.raw(3 << 20, 5), TargetFormat.VHD_DYNAMIC,
                Files.createDirectories(dir.resolve("work")));
        assertThat(demo.exchange(Call.of("PUT", CONTAINER).body(new ByteArrayEntity(new byte[0], null))).status())
                .isIn(201, 202);
        assertThat(demo.exchange(Call.of("PUT", CONTAINER + "/my-excellent-image.vhd")
                .body(new ByteArrayEntity(vhd, null))).status()).isEqualTo(201);

        ferry = new TestServer(dir, TestDatabases.h2(dir), Map.ofEntries(
                Map.entry("identity.type", "keystone"), Map.entry("keystone.url", KeystoneFixture.URL),
                Map.entry("keystone.user", "ferry"), Map.entry("keystone.password", "ferry-service"),
                Map.entry("keystone.project", "service"), Map.entry("tasks.access", "member"),
                Map.entry("import.profile", "rackspace"), Map.entry("store.type", "swift"),
                Map.entry("swift.auth_url", KeystoneFixture.URL), Map.entry("swift.user", "service:ferry"),
                Map.entry("swift.key", "ferry-service"), Map.entry("swift.reseller_prefix", "KEY_"),
                Map.entry("swift.container", STORE_CONTAINER),
                Map.entry("swift.segment_bytes", Integer.toString(1 << 20))), Clock.systemUTC());
    }

    static SwiftClient client(String project, String user, String password) {
        return new SwiftClient(new KeystoneV3Auth(URI.create(KeystoneFixture.URL), "Default", project, "Default", user, password, "public",
                Duration.ofSeconds(30)), Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
        for (SwiftClient c : new SwiftClient[] {demo, service}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static JsonNode importAs(KeystoneFixture.Token token, String from) {
        Reply r = ferry.postJson("/v2/tasks", "{\"type\": \"import\", \"input\": {\"import_from\": \"" + from
                + "\", \"import_from_format\": \"vhd\", \"image_properties\": {\"name\": \"via-keystone\"}}}",
                "X-Auth-Token", token.id());
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return ferry.awaitTask(r.json().get("id").asString(), Duration.ofSeconds(90), "X-Auth-Token", token.id());
    }

    @Test
    void anObjectInTheCustomersKeystoneAccountIsImportedIntoTheSwiftStore() throws Exception {
        JsonNode task = importAs(demoToken, CONTAINER + "/my-excellent-image.vhd");
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        String imageId = task.get("result").get("image_id").asString();
        JsonNode image = ferry.get("/v2/images/" + imageId, "X-Auth-Token", demoToken.id()).json();
        assertThat(image.get("owner").asString()).isEqualTo(demoToken.projectId());
        assertThat(image.get("size").asLong()).isEqualTo(vhd.length);

        HttpResponse<byte[]> file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(ferry.base() + "/v2/images/" + imageId + "/file")).header("X-Auth-Token", demoToken.id())
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo(vhd);

        // the blob sits in the service project's own account (KEY_<service project id>), as segments
        // (3 MiB > swift.segment_bytes), reached with Ferry's Keystone session
        SwiftClient.Reply listing = service.exchange(Call.of("GET", STORE_CONTAINER));
        assertThat(listing.status()).isEqualTo(200);
        assertThat(listing.text()).contains("task-" + task.get("id").asString()); // blobs are keyed by their task
        assertThat(service.exchange(Call.of("GET", STORE_CONTAINER + "_segments")).status()).isEqualTo(200);
    }

    @Test
    void anImportedImageExportsBackIntoTheCustomersKeystoneAccount() throws IOException {
        JsonNode imported = importAs(demoToken, CONTAINER + "/my-excellent-image.vhd");
        assertThat(imported.get("status").asString()).as(imported.toString()).isEqualTo("success");
        String imageId = imported.get("result").get("image_id").asString();
        String out = "exported-" + UUID.randomUUID();
        assertThat(demo.exchange(Call.of("PUT", out).body(new ByteArrayEntity(new byte[0], null))).status())
                .isIn(201, 202);

        Reply r = ferry.postJson("/v2/tasks", "{\"type\": \"export\", \"input\": {\"image_uuid\": \"" + imageId
                + "\", \"receiving_swift_container\": \"" + out + "\"}}", "X-Auth-Token", demoToken.id());
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        JsonNode task = ferry.awaitTask(r.json().get("id").asString(), Duration.ofSeconds(90),
                "X-Auth-Token", demoToken.id());
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("success");
        assertThat(task.get("result").get("export_location").asString()).isEqualTo(out + "/" + imageId + ".vhd");

        // the customer reads its export with its own Keystone token: the VHD it uploaded, byte for byte
        SwiftClient.Reply exported = demo.exchange(Call.of("GET", out + "/" + imageId + ".vhd"));
        assertThat(exported.status()).isEqualTo(200);
        assertThat(exported.body()).isEqualTo(vhd);
    }

    @Test
    void anotherProjectCannotNameTheCustomersObject() {
        KeystoneFixture.Token alt = KeystoneFixture.token("alt-member", "alt", "alt");
        JsonNode task = importAs(alt, CONTAINER + "/my-excellent-image.vhd");
        assertThat(task.get("status").asString()).isEqualTo("failure");
        assertThat(task.get("message").asString()).isEqualTo("Could not download " + CONTAINER
                + "/my-excellent-image.vhd: container " + CONTAINER + " not found in your Cloud Files account");
    }
}
