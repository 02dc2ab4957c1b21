package dev.ferry.server.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.format.io.ReadSource;
import dev.ferry.server.sources.RangeServer.Fault;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Real sockets: {@link RangeServer} on 127.0.0.1, the real client behind the guard. */
class HttpRangeSourceTest {

    /** Not a multiple of anything: the last block is short. */
    private static final byte[] DATA = new byte[1_000_003];

    static {
        new Random(7).nextBytes(DATA);
    }

    private RangeServer server;
    private HttpSource http;

    @BeforeEach
    void start() throws IOException {
        server = new RangeServer();
        http = new HttpSource(new UrlGuard(policy()));
    }

    @AfterEach
    void stop() {
        http.close();
        server.close();
    }

    private UrlPolicy policy() {
        return UrlPolicy.defaults().withAllowedHosts(List.of("127.0.0.1")).withAllowedPorts(Set.of(server.port()))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    private HttpRangeSource open(String path) throws SourceException {
        Optional<HttpRangeSource> s = http.openRanged(URI.create(server.url(path)));
        assertThat(s).as("ranges offered").isPresent();
        return s.get();
    }

    @Test
    void aRangeServerGivesASourceOfItsSizeWhoseReadsAreExactRanges() throws IOException {
        server.serve("/f", DATA);
        try (HttpRangeSource src = open("/f")) {
            assertThat(src.size()).isEqualTo(DATA.length);
            byte[] buf = new byte[1000];
            assertThat(src.read(999_500, buf, 0, 1000)).isEqualTo(503);
            assertThat(Arrays.copyOf(buf, 503)).isEqualTo(Arrays.copyOfRange(DATA, 999_500, DATA.length));
            assertThat(src.read(DATA.length, buf, 0, 10)).isEqualTo(-1);
        }
        assertThat(server.rangesSeen("/f")).containsExactly("bytes=0-0", "bytes=999500-1000002");
    }

    /** Random positioned reads, directly and through a small block cache, against the bytes. */
    @Test
    void randomPositionedReadsReturnTheSourceBytes() throws IOException {
        server.serve("/p", DATA);
        for (long seed = 1; seed <= 5; seed++) {
            Random random = new Random(seed);
            try (HttpRangeSource direct = open("/p");
                 BlockCache cached = new BlockCache(open("/p"), 64 * 1024, 3)) {
                for (int i = 0; i < 60; i++) {
                    ReadSource src = random.nextBoolean() ? direct : cached;
                    long pos = random.nextInt(DATA.length + 100);
                    int len = random.nextInt(random.nextBoolean() ? 300 : 200_000);
                    byte[] buf = new byte[len + 8];
                    int off = random.nextInt(8);
                    if (pos >= DATA.length) {
                        assertThat(src.read(pos, buf, off, len)).isEqualTo(-1);
                        continue;
                    }
                    int want = (int) Math.min(len, DATA.length - pos);
                    if (random.nextBoolean()) {
                        src.readFully(pos, buf, off, want);
                    } else {
                        ByteBuffer dst = ByteBuffer.allocateDirect(want);
                        src.readFully(pos, dst);
                        dst.flip().get(buf, off, want);
                    }
                    assertThat(Arrays.copyOfRange(buf, off, off + want)).as("seed %d read %d at %d", seed, want, pos)
                            .isEqualTo(Arrays.copyOfRange(DATA, (int) pos, (int) pos + want));
                }
            }
        }
    }

    @Test
    void theCacheFetchesEachBlockOnceForASequentialReadAndHoldsAFixedNumber() throws IOException {
        server.serve("/seq", DATA);
        try (BlockCache cache = new BlockCache(open("/seq"), 100_000, 2)) {
            byte[] all = new byte[DATA.length];
            for (int pos = 0; pos < DATA.length; pos += 4096) {
                cache.readFully(pos, all, pos, Math.min(4096, DATA.length - pos));
            }
            assertThat(all).isEqualTo(DATA);
            assertThat(cache.fetches()).isEqualTo(11);
            cache.readFully(950_000, new byte[10], 0, 10); // still cached
            assertThat(cache.fetches()).isEqualTo(11);
            cache.readFully(0, new byte[10], 0, 10); // evicted long ago
            assertThat(cache.fetches()).isEqualTo(12);
        }
        assertThat(server.rangesSeen("/seq")).hasSize(13).contains("bytes=0-99999", "bytes=1000000-1000002");
    }

    @Test
    void aServerIgnoringRangesOffersNoRangedSource() throws IOException {
        server.serve("/plain", DATA, Fault.IGNORE_RANGES, 1);
        assertThat(http.openRanged(URI.create(server.url("/plain")))).isEmpty();
    }

    @Test
    void theProbeIsGuardedAndCappedAsADownloadIs() {
        server.serve("/big", DATA);
        try (HttpSource capped = new HttpSource(new UrlGuard(policy().withMaxBytes(1000)))) {
            assertThatThrownBy(() -> capped.openRanged(URI.create(server.url("/big"))))
                    .isInstanceOf(SourceException.class).hasMessageContaining("exceeds size cap of 1000 bytes");
        }
        try (HttpSource otherPorts = new HttpSource(new UrlGuard(policy().withAllowedPorts(Set.of(80))))) {
            assertThatThrownBy(() -> otherPorts.openRanged(URI.create(server.url("/big"))))
                    .isInstanceOf(SourceException.class).hasMessageContaining("port");
        }
        assertThat(server.requests("/big")).as("the capped probe only").isEqualTo(1);
        assertThatThrownBy(() -> http.openRanged(URI.create(server.url("/missing"))))
                .isInstanceOf(SourceException.class).hasMessageContaining("HTTP 404");
    }

    @Test
    void aLyingFirstAnswerIsRefused() {
        server.serve("/lie", DATA, Fault.WRONG_CONTENT_RANGE, 1);
        assertThatThrownBy(() -> http.openRanged(URI.create(server.url("/lie"))))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("wrong range: asked bytes=0-0, got Content-Range: bytes 1-1/1000003");
    }

    /** From the second request on, the server misbehaves: every way fails the read with its own message. */
    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"NONE", "IGNORE_RANGES"}, mode = EnumSource.Mode.EXCLUDE)
    void everyMisbehaviourAfterTheFirstAnswerFailsTheRead(Fault fault) throws IOException {
        server.serve("/h", DATA, fault, 2);
        String expected = switch (fault) {
            case REPLACED -> "the source changed while being read: HTTP 412 (Precondition Failed) to bytes=0-99999 "
                    + "with If-Match: \"v1\"";
            case REPLACED_IGNORING_PRECONDITIONS -> "the source changed while being read: ETag \"v2\" at bytes=0-99999, "
                    + "was \"v1\"";
            case WRONG_CONTENT_RANGE -> "the server sent the wrong range: asked bytes=0-99999, got Content-Range: "
                    + "bytes 1-100000/1000003";
            case WRONG_TOTAL -> "the source changed while being read: Content-Range: bytes 0-99999/1004099 gives a total "
                    + "other than the 1000003 bytes first announced";
            case DROP_CONNECTION -> "error reading " + server.url("/h") + " after 50000 bytes";
            case SHORT_BODY -> "the server sent 50000 of the 100000 bytes of range 0-99999 of " + server.url("/h")
                    + " (short body)";
            case ENDLESS_BODY -> "the server sent more than the 100000 bytes of range 0-99999";
            case RANGE_NOT_SATISFIABLE -> "the source changed while being read: HTTP 416 (Range Not Satisfiable) "
                    + "to bytes=0-99999 of a source of 1000003 bytes";
            case STATUS_200 -> "the server ignored a range request (HTTP 200 to Range: bytes=0-99999)";
            default -> throw new AssertionError(fault);
        };
        try (BlockCache src = new BlockCache(open("/h"), 100_000, 2)) {
            assertThatThrownBy(() -> src.readFully(5, new byte[10], 0, 10))
                    .isInstanceOf(SourceException.class).hasMessageContaining(expected);
        }
    }

    @Test
    void aServerThatGoesAwayFailsTheReadWithTheDownloadsMessage() throws IOException {
        server.serve("/ok", DATA);
        try (HttpSource quick = new HttpSource(new UrlGuard(policy().withTimeouts(Duration.ofSeconds(2),
                Duration.ofMillis(300))));
             HttpRangeSource src = quick.openRanged(URI.create(server.url("/ok"))).orElseThrow()) {
            server.close(); // nobody answers any more
            assertThatThrownBy(() -> src.read(0, new byte[10], 0, 10)).isInstanceOf(SourceException.class)
                    .hasMessageContaining("127.0.0.1:" + server.port());
        }
    }

    @Test
    void redirectsAreFollowedOnceAndCheckedByTheGuard() throws IOException {
        server.serve("/real", DATA);
        server.redirect("/moved", "/real");
        try (HttpRangeSource src = http.openRanged(URI.create(server.url("/moved"))).orElseThrow()) {
            assertThat(src.url()).isEqualTo(URI.create(server.url("/real")));
            byte[] buf = new byte[100];
            src.readFully(500, buf, 0, 100);
            assertThat(buf).isEqualTo(Arrays.copyOfRange(DATA, 500, 600));
        }
        assertThat(server.requests("/moved")).as("later reads go to where the first one ended").isEqualTo(1);
        assertThat(server.rangesSeen("/real")).containsExactly("bytes=0-0", "bytes=500-599");
        server.redirect("/to-metadata", "http://169.254.169.254/latest/meta-data/");
        assertThatThrownBy(() -> http.openRanged(URI.create(server.url("/to-metadata"))))
                .isInstanceOf(SourceException.class).hasMessageContaining("169.254.169.254");
    }

    @Test
    void closingAbortsAReadThatWaitsOnASilentServer() throws Exception {
        server.serve("/silent", DATA);
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        server.holdFrom("/silent", 1, gate);
        try {
            HttpRangeSource src = open("/silent");
            java.util.concurrent.CompletableFuture<Throwable> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    src.read(10, new byte[10], 0, 10);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> server.rangesSeen("/silent").size() == 2);
            src.close();
            // the read timeout is 5 s; the gate would open after 30 s
            assertThat(read.get(4, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(java.io.InterruptedIOException.class)
                    .hasMessage("reads of " + server.url("/silent") + " were stopped");
            assertThatThrownBy(() -> src.read(0, new byte[1], 0, 1)).isInstanceOf(java.io.InterruptedIOException.class);
        } finally {
            gate.countDown();
        }
    }
}
