package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.server.objectstorage.S3Clients;
import dev.ferry.server.objectstorage.SwiftAuth;
import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftSession;
import dev.ferry.server.sources.HttpSource;
import dev.ferry.server.sources.S3Source;
import dev.ferry.server.sources.SwiftSource;
import dev.ferry.server.sources.UrlGuard;
import dev.ferry.server.sources.UrlPolicy;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A task's {@code import_from} as the import job reads it ({@link ImportSources#locate}), with and
 * without Swift and S3 configured: a location or a {@link JobFailedException} (the task's failure
 * message), never another exception. An http(s) location went through the URL guard (its host is
 * not a loopback literal), a Swift or S3 location has a non-empty container and object, and the
 * store's own bucket is never a source. Input: one selector byte (odd: stores configured), then
 * the text (UTF-8). The clients are built but nothing connects.
 */
class ImportSourcesFuzzTest {

    private static final String STORE_BUCKET = "ferry-images";
    private static final HttpSource HTTP = new HttpSource(new UrlGuard(UrlPolicy.defaults()));
    private static final ImportSources NONE = new ImportSources(HTTP, Optional.empty(), Optional.empty(), STORE_BUCKET);
    private static final ImportSources BOTH = new ImportSources(HTTP,
            Optional.of(new SwiftSource(new SwiftClient(new OfflineAuth(), Duration.ofSeconds(1), Duration.ofSeconds(1)),
                    "AUTH_", 1 << 20)),
            Optional.of(new S3Source(S3Clients.create(URI.create("http://127.0.0.1:9"), "us-east-1", "key", "secret",
                    Duration.ofSeconds(1), Duration.ofSeconds(1)), 1 << 20)),
            STORE_BUCKET);

    @FuzzTest(maxDuration = "60s")
    void locatesOrFailsTheTask(byte[] data) {
        if (data.length == 0) {
            return;
        }
        ImportSources sources = (data[0] & 1) == 1 ? BOTH : NONE;
        String from = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
        ImportSources.Location location;
        try {
            location = sources.locate(from);
        } catch (JobFailedException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        switch (location) {
            case ImportSources.Http h -> {
                assertThat(h.url().getScheme().toLowerCase(Locale.ROOT)).isIn("http", "https");
                assertThat(h.url().getHost()).isNotNull().doesNotStartWith("127.").isNotEqualTo("localhost")
                        .isNotEqualTo("[::1]").isNotEqualTo("169.254.169.254");
            }
            case ImportSources.Swift s -> {
                assertThat(sources).isSameAs(BOTH);
                assertThat(s.container()).isNotEmpty().doesNotContain("/");
                assertThat(s.object()).isNotEmpty();
            }
            case ImportSources.S3 s -> {
                assertThat(sources).isSameAs(BOTH);
                assertThat(s.bucket()).isNotEmpty().doesNotContain("/").isNotEqualTo(STORE_BUCKET);
                assertThat(s.key()).isNotEmpty();
            }
        }
    }

    /** Never asked: locate does not open anything. */
    private static final class OfflineAuth implements SwiftAuth {
        @Override
        public SwiftSession session() throws IOException {
            throw new IOException("offline");
        }

        @Override
        public void invalidate(SwiftSession stale) {
        }
    }
}
