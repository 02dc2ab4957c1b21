package dev.ferry.server.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.format.io.ReadSource;
import dev.ferry.server.it.Saio;
import dev.ferry.server.objectstorage.S3Clients;
import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftClient.Call;
import dev.ferry.server.objectstorage.TempAuthV1;
import dev.ferry.server.stores.SwiftStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** {@link SwiftSource} and {@link S3Source} against a real Swift with s3api (tools/swift-saio.sh). */
class ObjectSourcesIT {

    private static final long CAP = 1L << 30;
    private static final byte[] SMALL = bytes(200_000, 21);
    private static final byte[] LARGE = bytes(5 * 65536 + 999, 22);

    private static SwiftClient operator;
    private static SwiftClient project;
    private static SwiftSource swift;
    private static String container;
    private static S3Client s3;
    private static S3Source s3Source;
    private static String bucket;

    @BeforeAll
    static void setUp() throws IOException {
        Saio.require();
        operator = Saio.operatorClient();
        project = Saio.projectClient();
        swift = new SwiftSource(operator, "AUTH_", CAP);
        container = "exports-" + UUID.randomUUID().toString().substring(0, 8);
        // the customer's own uploads, in the customer's account: one plain object, one SLO
        SwiftStore customer = new SwiftStore(project, container, 65536);
        customer.put("x.vhd", new ByteArrayInputStream(SMALL));
        customer.put("large.img", new ByteArrayInputStream(LARGE));
        s3 = S3Clients.create(URI.create(Saio.HOST), "us-east-1", Saio.OPERATOR, Saio.OPERATOR_KEY,
                Duration.ofSeconds(5), Duration.ofSeconds(60));
        s3Source = new S3Source(s3, CAP);
        bucket = "src-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
        s3.putObject(b -> b.bucket(bucket).key("dir/disk.qcow2"), RequestBody.fromBytes(LARGE));
    }

    @AfterAll
    static void tearDown() {
        if (operator != null) {
            operator.close();
            project.close();
            s3.close();
        }
    }

    @Test
    void streamsAnObjectOfTheProjectsAccount() throws IOException {
        try (OpenedStream in = swift.open(Saio.PROJECT, container, "x.vhd")) {
            assertThat(in.contentLength()).isEqualTo(SMALL.length);
            assertThat(in.finalUrl().toString()).endsWith("/v1/AUTH_proj1/" + container + "/x.vhd");
            assertThat(in.body().readAllBytes()).isEqualTo(SMALL);
        }
        try (OpenedStream in = swift.open(Saio.PROJECT, container, "large.img")) {
            assertThat(in.body().readAllBytes()).isEqualTo(LARGE);
        }
    }

    @Test
    void rangedReadsOfAPlainObjectAndAnSlo() throws IOException {
        for (String name : new String[] {"x.vhd", "large.img"}) {
            byte[] expected = name.equals("x.vhd") ? SMALL : LARGE;
            try (ReadSource src = swift.openRanged(Saio.PROJECT, container, name)) {
                checkRanges(src, expected);
            }
        }
    }

    @Test
    void missingObjectOrContainerIsNamed() {
        assertThatThrownBy(() -> swift.open(Saio.PROJECT, container, "nope.vhd"))
                .isInstanceOf(SourceException.class)
                .hasMessage("object " + container + "/nope.vhd not found in your Cloud Files account");
        assertThatThrownBy(() -> swift.open(Saio.PROJECT, "no-such-container", "x.vhd"))
                .hasMessage("container no-such-container not found in your Cloud Files account");
        assertThatThrownBy(() -> swift.openRanged(Saio.PROJECT, container, "nope.vhd"))
                .hasMessage("object " + container + "/nope.vhd not found in your Cloud Files account");
    }

    @Test
    void anotherAccountCannotBeReached() throws IOException {
        // proj2 keeps a secret in its own account
        try (SwiftClient other = new SwiftClient(new TempAuthV1(Saio.AUTH_URL, "proj2:user", "user2-key",
                Duration.ofSeconds(10)), Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            assertThat(other.exchange(Call.of("PUT", "secret").body(new ByteArrayEntity(new byte[0], null))).status())
                    .isIn(201, 202);
            assertThat(other.exchange(Call.of("PUT", "secret/key.bin")
                    .body(new ByteArrayEntity(new byte[] {1, 2, 3}, null))).status()).isEqualTo(201);
        }
        // a proj1 task names it in every way it could
        assertThatThrownBy(() -> swift.open(Saio.PROJECT, "secret", "key.bin"))
                .hasMessage("container secret not found in your Cloud Files account");
        assertThatThrownBy(() -> swift.open(Saio.PROJECT, "..", "AUTH_proj2/secret/key.bin"))
                .hasMessageContaining("invalid container name");
        assertThatThrownBy(() -> swift.open(Saio.PROJECT, "../AUTH_proj2", "secret/key.bin"))
                .hasMessageContaining("invalid container name");
        assertThatThrownBy(() -> swift.open(Saio.PROJECT, container, "../../AUTH_proj2/secret/key.bin"))
                .hasMessageContaining("invalid object name");
        assertThatThrownBy(() -> swift.open(Saio.PROJECT, "%2e%2e", "AUTH_proj2/secret/key.bin"))
                .hasMessage("container %2e%2e not found in your Cloud Files account");
        assertThatThrownBy(() -> swift.open("proj1/../proj2", "secret", "key.bin"))
                .hasMessageContaining("invalid project id");
        assertThatThrownBy(() -> swift.open(Saio.PROJECT, container, "x.vhd\r\nX-Auth-Token: t"))
                .hasMessageContaining("invalid object name");
        assertThatThrownBy(() -> swift.open(Saio.PROJECT, "c".repeat(257), "x"))
                .hasMessageContaining("longer than 256");
        // and the project that owns it gets it
        try (OpenedStream in = swift.open(Saio.OTHER_PROJECT, "secret", "key.bin")) {
            assertThat(in.body().readAllBytes()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void wrongOperatorCredentialsAreAnAuthenticationError() {
        try (SwiftClient bad = new SwiftClient(new TempAuthV1(Saio.AUTH_URL, Saio.OPERATOR, "wrong",
                Duration.ofSeconds(10)), Duration.ofSeconds(5), Duration.ofSeconds(30))) {
            assertThatThrownBy(() -> new SwiftSource(bad, "AUTH_", CAP).open(Saio.PROJECT, container, "x.vhd"))
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("could not authenticate to object storage")
                    .hasMessageContaining("HTTP 401");
        }
    }

    @Test
    void s3StreamAndRanges() throws IOException {
        try (OpenedStream in = s3Source.open(bucket, "dir/disk.qcow2")) {
            assertThat(in.contentLength()).isEqualTo(LARGE.length);
            assertThat(in.finalUrl().toString()).isEqualTo("s3://" + bucket + "/dir/disk.qcow2");
            assertThat(in.body().readAllBytes()).isEqualTo(LARGE);
        }
        try (ReadSource src = s3Source.openRanged(bucket, "dir/disk.qcow2")) {
            checkRanges(src, LARGE);
        }
        // closing early does not read the rest
        try (OpenedStream in = s3Source.open(bucket, "dir/disk.qcow2")) {
            assertThat(in.body().readNBytes(10)).isEqualTo(Arrays.copyOf(LARGE, 10));
        }
    }

    @Test
    void s3ErrorsAreNamed() {
        assertThatThrownBy(() -> s3Source.open(bucket, "dir/nope"))
                .isInstanceOf(SourceException.class).hasMessage("object s3://" + bucket + "/dir/nope not found");
        assertThatThrownBy(() -> s3Source.openRanged(bucket, "dir/nope"))
                .hasMessage("object s3://" + bucket + "/dir/nope not found");
        assertThatThrownBy(() -> s3Source.open("no-such-bucket-x", "k")).hasMessage("bucket no-such-bucket-x not found");
        assertThatThrownBy(() -> s3Source.open("../AUTH_proj2", "k")).hasMessageContaining("invalid S3 bucket name");
        assertThatThrownBy(() -> s3Source.open(bucket, "a\nb")).hasMessageContaining("control characters");
    }

    private static void checkRanges(ReadSource src, byte[] expected) throws IOException {
        assertThat(src.size()).isEqualTo(expected.length);
        Random random = new Random(5);
        for (int i = 0; i < 20; i++) {
            int pos = random.nextInt(expected.length);
            int len = 1 + random.nextInt(Math.min(100_000, expected.length - pos));
            assertThat(src.readFully(pos, len)).isEqualTo(Arrays.copyOfRange(expected, pos, pos + len));
        }
        byte[] tail = new byte[100];
        int n = src.read(expected.length - 10, tail, 0, 100);
        assertThat(n).isEqualTo(10);
        assertThat(Arrays.copyOf(tail, 10)).isEqualTo(Arrays.copyOfRange(expected, expected.length - 10, expected.length));
        assertThat(src.read(expected.length, tail, 0, 10)).isEqualTo(-1);
        assertThat(src.readFully(0, expected.length)).isEqualTo(expected);
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
