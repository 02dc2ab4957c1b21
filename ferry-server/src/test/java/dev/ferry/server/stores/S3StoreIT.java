package dev.ferry.server.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.server.it.Saio;
import dev.ferry.server.objectstorage.S3Clients;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@link S3Store} against Swift's s3api (tools/swift-saio.sh). */
class S3StoreIT {

    private static final int PART = 5 * 1024 * 1024;

    private S3Client s3;
    private S3Store store;

    static S3Client client() {
        return S3Clients.create(URI.create(Saio.HOST), "us-east-1", Saio.OPERATOR, Saio.OPERATOR_KEY,
                Duration.ofSeconds(5), Duration.ofSeconds(60));
    }

    @BeforeEach
    void setUp() {
        Saio.require();
        s3 = client();
        store = new S3Store(s3, "ferry-it-" + UUID.randomUUID().toString().substring(0, 8), PART);
    }

    @AfterEach
    void tearDown() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void smallBlobIsOnePut() throws IOException {
        byte[] data = SwiftStoreIT.bytes(10_000, 11);
        StoredBlob blob = store.put("one", new ByteArrayInputStream(data));

        assertThat(blob.size()).isEqualTo(10_000);
        assertThat(blob.location()).isEqualTo("s3://" + store.bucket() + "/one");
        assertThat(read("one")).isEqualTo(data);
        assertThat(store.size("one")).isEqualTo(10_000);
        assertThat(s3.headObject(b -> b.bucket(store.bucket()).key("one")).eTag()).doesNotContain("-");

        store.delete("one");
        assertThatThrownBy(() -> store.get("one")).isInstanceOf(NoSuchBlobException.class);
        assertThatThrownBy(() -> store.size("one")).isInstanceOf(NoSuchBlobException.class);
        store.delete("one");
    }

    @Test
    void largeBlobIsAMultipartUpload() throws IOException {
        byte[] data = SwiftStoreIT.bytes(2 * PART + 777, 12);
        StoredBlob blob = store.put("multi", new ByteArrayInputStream(data));

        assertThat(blob.size()).isEqualTo(data.length);
        assertThat(s3.headObject(b -> b.bucket(store.bucket()).key("multi")).eTag()).endsWith("-3\"");
        assertThat(store.size("multi")).isEqualTo(data.length);
        assertThat(read("multi")).isEqualTo(data);
        assertThat(s3.listMultipartUploads(b -> b.bucket(store.bucket())).uploads()).isEmpty();

        store.delete("multi");
        assertThat(s3.listObjectsV2(b -> b.bucket(store.bucket())).contents()).isEmpty();
    }

    @Test
    void failedMultipartUploadIsAbortedAndKeepsThePreviousObject() throws IOException {
        byte[] previous = SwiftStoreIT.bytes(100, 13);
        store.put("img", new ByteArrayInputStream(previous));
        byte[] data = SwiftStoreIT.bytes(PART + 100, 14);
        InputStream failing = new InputStream() {
            private final ByteArrayInputStream in = new ByteArrayInputStream(data);

            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("source broke");
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n < 0) {
                    throw new IOException("source broke");
                }
                return n;
            }
        };

        assertThatThrownBy(() -> store.put("img", failing)).hasMessageContaining("source broke");

        assertThat(s3.listMultipartUploads(b -> b.bucket(store.bucket())).uploads()).as("upload aborted").isEmpty();
        assertThat(s3.listObjectsV2(b -> b.bucket(store.bucket())).contents()).extracting(S3Object::key)
                .containsExactly("img");
        assertThat(read("img")).isEqualTo(previous);
    }

    private byte[] read(String key) throws IOException {
        try (InputStream in = store.get(key)) {
            return in.readAllBytes();
        }
    }
}
