package dev.ferry.server.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.server.it.Saio;
import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftClient.Call;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link SwiftStore} against a real Swift (tools/swift-saio.sh). */
class SwiftStoreIT {

    private static final int SEGMENT = 64 * 1024;

    private SwiftClient swift;
    private SwiftStore store;

    @BeforeEach
    void setUp() {
        Saio.require();
        swift = Saio.operatorClient();
        store = new SwiftStore(swift, "images-" + UUID.randomUUID().toString().substring(0, 8), SEGMENT);
    }

    @AfterEach
    void tearDown() {
        if (swift != null) {
            swift.close();
        }
    }

    @Test
    void smallBlobIsOnePlainObject() throws IOException {
        byte[] data = bytes(1000, 1);
        StoredBlob blob = store.put("img-1", new ByteArrayInputStream(data));

        assertThat(blob.size()).isEqualTo(1000);
        assertThat(blob.location()).isEqualTo("swift://" + store.container() + "/img-1");
        assertThat(read("img-1")).isEqualTo(data);
        assertThat(store.size("img-1")).isEqualTo(1000);
        assertThat(isSlo("img-1")).isFalse();
        assertThat(list(store.segmentContainer(), "")).isEmpty();

        store.delete("img-1");
        assertThatThrownBy(() -> store.get("img-1")).isInstanceOf(NoSuchBlobException.class);
        assertThatThrownBy(() -> store.size("img-1")).isInstanceOf(NoSuchBlobException.class);
        store.delete("img-1"); // absent: nothing happens
    }

    @Test
    void blobAboveTheSegmentSizeIsAStaticLargeObject() throws IOException {
        byte[] data = bytes(5 * SEGMENT + 123, 2);
        StoredBlob blob = store.put("big", new ByteArrayInputStream(data));

        assertThat(blob.size()).isEqualTo(data.length);
        assertThat(isSlo("big")).isTrue();
        assertThat(list(store.segmentContainer(), "big/")).hasSize(6);
        assertThat(store.size("big")).isEqualTo(data.length);
        assertThat(read("big")).isEqualTo(data);

        store.delete("big");
        assertThat(list(store.container(), "")).isEmpty();
        assertThat(list(store.segmentContainer(), "")).as("segments deleted with the manifest").isEmpty();
    }

    @Test
    void replacingAnSloDeletesItsOldSegments() throws IOException {
        store.put("k", new ByteArrayInputStream(bytes(3 * SEGMENT, 3)));
        byte[] second = bytes(2 * SEGMENT + 1, 4);
        store.put("k", new ByteArrayInputStream(second));

        assertThat(read("k")).isEqualTo(second);
        assertThat(list(store.segmentContainer(), "k/")).hasSize(3);
    }

    @Test
    void blobThatFitsOneLargeSegmentBecomesAPlainObject() throws IOException {
        SwiftStore bigSegments = new SwiftStore(swift, store.container(), 2 << 20);
        byte[] data = bytes((1 << 20) + 5000, 5); // above the in-memory size, below one segment
        assertThat(bigSegments.put("mid", new ByteArrayInputStream(data)).size()).isEqualTo(data.length);

        assertThat(isSlo("mid")).isFalse();
        assertThat(read("mid")).isEqualTo(data);
        assertThat(list(store.segmentContainer(), "")).isEmpty();
    }

    @Test
    void failedPutLeavesNothingAndKeepsThePreviousBlob() throws IOException {
        byte[] previous = bytes(100, 6);
        store.put("img", new ByteArrayInputStream(previous));

        InputStream failing = new SequenceStream(bytes(3 * SEGMENT + 10, 7));
        assertThatThrownBy(() -> store.put("img", failing)).isInstanceOf(IOException.class)
                .hasMessageContaining("source broke");

        assertThat(read("img")).isEqualTo(previous);
        assertThat(isSlo("img")).isFalse();
        assertThat(list(store.container(), "")).containsExactly("img");
        assertThat(list(store.segmentContainer(), "")).as("uploaded segments removed").isEmpty();

        assertThatThrownBy(() -> store.put("new", new SequenceStream(bytes(2 * SEGMENT, 8))))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.size("new")).isInstanceOf(NoSuchBlobException.class);
        assertThat(list(store.segmentContainer(), "")).isEmpty();
    }

    /** Yields {@code data}, then fails instead of ending. */
    private static final class SequenceStream extends InputStream {
        private final ByteArrayInputStream in;

        SequenceStream(byte[] data) {
            in = new ByteArrayInputStream(data);
        }

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
    }

    private byte[] read(String key) throws IOException {
        try (InputStream in = store.get(key)) {
            return in.readAllBytes();
        }
    }

    private boolean isSlo(String key) throws IOException {
        return "true".equalsIgnoreCase(swift.exchange(Call.of("HEAD", SwiftClient.objectPath(store.container(), key)))
                .header("X-Static-Large-Object"));
    }

    private List<String> list(String container, String prefix) throws IOException {
        SwiftClient.Reply r = swift.exchange(Call.of("GET", SwiftClient.encodeName(container) + "?prefix="
                + SwiftClient.encodeName(prefix)));
        assertThat(r.status()).isIn(200, 204);
        return Arrays.stream(r.text().split("\n")).filter(s -> !s.isBlank()).toList();
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
