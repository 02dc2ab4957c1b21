package dev.ferry.server.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileStoreTest {

    @TempDir
    Path dir;

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void storesAndReadsBack() throws IOException {
        FileStore store = new FileStore(dir);
        byte[] data = random(3 * 1024 * 1024 + 17, 1);
        StoredBlob blob = store.put("image-1.raw", new ByteArrayInputStream(data));
        assertThat(blob.key()).isEqualTo("image-1.raw");
        assertThat(blob.size()).isEqualTo(data.length);
        assertThat(blob.location()).isEqualTo(dir.toRealPath().resolve("image-1.raw").toUri().toString());
        assertThat(store.size("image-1.raw")).isEqualTo(data.length);
        try (InputStream in = store.get("image-1.raw")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(listing()).containsExactly("image-1.raw");
    }

    @Test
    void storesAnEmptyBlob() throws IOException {
        FileStore store = new FileStore(dir);
        assertThat(store.put("empty", InputStream.nullInputStream()).size()).isZero();
        assertThat(store.size("empty")).isZero();
    }

    @Test
    void createsTheRootIfMissing() throws IOException {
        FileStore store = new FileStore(dir.resolve("a/b/c"));
        store.put("k", new ByteArrayInputStream(new byte[] {1}));
        assertThat(Files.exists(dir.resolve("a/b/c/k"))).isTrue();
    }

    @Test
    void aStreamFailingMidwayLeavesNothingBehind() throws IOException {
        FileStore store = new FileStore(dir);
        InputStream failing = new SequenceInputStream(new ByteArrayInputStream(random(2 * 1024 * 1024, 2)),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("connection reset");
                    }
                });
        assertThatThrownBy(() -> store.put("broken", failing)).isInstanceOf(IOException.class).hasMessage("connection reset");
        assertThat(listing()).isEmpty();
        assertThatThrownBy(() -> store.get("broken")).isInstanceOf(NoSuchBlobException.class)
                .hasMessage("no blob with key broken");
    }

    @Test
    void aFailedReplacementKeepsThePreviousBlob() throws IOException {
        FileStore store = new FileStore(dir);
        byte[] old = random(1000, 3);
        store.put("k", new ByteArrayInputStream(old));
        InputStream failing = new SequenceInputStream(new ByteArrayInputStream(random(5000, 4)), new InputStream() {
            @Override
            public int read() {
                throw new IllegalStateException("boom");
            }
        });
        assertThatThrownBy(() -> store.put("k", failing)).isInstanceOf(IllegalStateException.class);
        try (InputStream in = store.get("k")) {
            assertThat(in.readAllBytes()).isEqualTo(old);
        }
        assertThat(listing()).containsExactly("k");
        byte[] replacement = random(10, 5);
        store.put("k", new ByteArrayInputStream(replacement));
        try (InputStream in = store.get("k")) {
            assertThat(in.readAllBytes()).isEqualTo(replacement);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "../etc/passwd", "a/b", "a\\b", "/abs", ".hidden", ".tmp-x", "a b", "a\u0000b",
        "caf\u00e9", "a:b", "~root", "a*", "%2e%2e"})
    void refusesKeysThatCouldEscapeOrCollide(String key) throws IOException {
        FileStore store = new FileStore(dir);
        assertThatThrownBy(() -> store.put(key, new ByteArrayInputStream(new byte[1])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.get(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.delete(key)).isInstanceOf(IllegalArgumentException.class);
        assertThat(listing()).isEmpty();
        assertThat(Files.exists(dir.getParent().resolve("etc"))).isFalse();
    }

    @Test
    void boundsKeyLength() throws IOException {
        FileStore store = new FileStore(dir);
        String longest = "k".repeat(FileStore.MAX_KEY_LENGTH);
        store.put(longest, new ByteArrayInputStream(new byte[] {7}));
        assertThat(store.size(longest)).isEqualTo(1);
        assertThatThrownBy(() -> store.put(longest + "k", InputStream.nullInputStream()))
                .hasMessageContaining("longer than 200");
        assertThatThrownBy(() -> FileStore.validateKey(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void missingBlobsAndIdempotentDelete() throws IOException {
        FileStore store = new FileStore(dir);
        assertThatThrownBy(() -> store.get("nope")).isInstanceOf(NoSuchBlobException.class);
        assertThatThrownBy(() -> store.size("nope")).isInstanceOf(NoSuchBlobException.class)
                .satisfies(e -> assertThat(((NoSuchBlobException) e).key()).isEqualTo("nope"));
        store.put("k", new ByteArrayInputStream(new byte[] {1, 2}));
        store.delete("k");
        store.delete("k");
        store.delete("never-there");
        assertThat(listing()).isEmpty();
    }

    @Test
    void concurrentPutsOfDifferentKeys() throws Exception {
        FileStore store = new FileStore(dir);
        int n = 16;
        List<Future<StoredBlob>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < n; i++) {
                int id = i;
                results.add(pool.submit(() -> store.put("blob-" + id, new ByteArrayInputStream(random(200_000 + id, id)))));
            }
            for (Future<StoredBlob> f : results) {
                f.get();
            }
        }
        for (int i = 0; i < n; i++) {
            try (InputStream in = store.get("blob-" + i)) {
                assertThat(in.readAllBytes()).isEqualTo(random(200_000 + i, i));
            }
        }
        assertThat(listing()).hasSize(n).allMatch(name -> name.startsWith("blob-"));
    }

    @Test
    void sweepsCrashLeftoversButNotBlobsOrFreshUploads() throws IOException {
        Instant now = Instant.parse("2026-11-22T22:00:00Z");
        FileStore store = new FileStore(dir, Clock.fixed(now, ZoneOffset.UTC));
        store.put("kept", new ByteArrayInputStream(new byte[] {1}));
        Path old = Files.write(dir.resolve(FileStore.TEMP_PREFIX + "a-1"), new byte[] {1, 2, 3});
        Files.setLastModifiedTime(old, FileTime.from(now.minus(Duration.ofHours(2))));
        Path fresh = Files.write(dir.resolve(FileStore.TEMP_PREFIX + "b-2"), new byte[] {1});
        Files.setLastModifiedTime(fresh, FileTime.from(now.minusSeconds(5)));
        assertThat(store.sweepTemporaryFiles(Duration.ofHours(1))).isEqualTo(1);
        assertThat(listing()).containsExactly(FileStore.TEMP_PREFIX + "b-2", "kept");
        assertThat(store.sweepTemporaryFiles()).isEqualTo(1);
        assertThat(listing()).containsExactly("kept");
    }

    @Test
    void theSweepNeverRemovesThisProcesssRunningPutWhateverItsAge() throws IOException {
        Instant now = Instant.parse("2026-11-22T22:00:00Z");
        FileStore store = new FileStore(dir, Clock.fixed(now, ZoneOffset.UTC));
        List<Integer> sweptMidPut = new ArrayList<>();
        // the source, half-way, makes the running put's temporary file look hours old and sweeps
        InputStream second = new InputStream() {
            boolean done;

            @Override
            public int read() throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (done) {
                    return -1;
                }
                done = true;
                try (Stream<Path> temps = Files.list(dir)) {
                    for (Path t : temps.toList()) {
                        Files.setLastModifiedTime(t, FileTime.from(now.minus(Duration.ofHours(5))));
                    }
                }
                sweptMidPut.add(store.sweepTemporaryFiles(Duration.ofHours(1)));
                b[off] = 9;
                return 1;
            }
        };
        InputStream data = new SequenceInputStream(new ByteArrayInputStream(new byte[] {1, 2}), second);
        StoredBlob blob = store.put("running", data);
        assertThat(sweptMidPut).containsExactly(0);
        assertThat(blob.size()).isEqualTo(3);
        try (InputStream in = store.get("running")) {
            assertThat(in.readAllBytes()).containsExactly(1, 2, 9);
        }
        // once the put is over, an old leftover of the same name pattern is swept again
        Path leftover = Files.write(dir.resolve(FileStore.TEMP_PREFIX + "running-x"), new byte[] {1});
        Files.setLastModifiedTime(leftover, FileTime.from(now.minus(Duration.ofHours(5))));
        assertThat(store.sweepTemporaryFiles(Duration.ofHours(1))).isEqualTo(1);
        assertThat(listing()).containsExactly("running");
    }
}
