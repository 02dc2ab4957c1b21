package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.server.sources.HttpSource;
import dev.ferry.server.sources.UrlGuard;
import dev.ferry.server.sources.UrlPolicy;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ImportSourcesTest {

    final HttpSource http = new HttpSource(new UrlGuard(new UrlPolicy(Set.of("http", "https"), List.of(), List.of(),
            new LinkedHashSet<>(List.of(80, 443)), Set.of(), 5, Duration.ofSeconds(1), Duration.ofSeconds(1), 1 << 20)));
    final ImportSources none = new ImportSources(http, Optional.empty(), Optional.empty(), "ferry-images");

    @AfterEach
    void close() {
        http.close();
    }

    @Test
    void httpUrlsAreCheckedByTheGuard() throws JobFailedException {
        assertThat(none.locate("http://images.example.com/a.qcow2"))
                .isEqualTo(new ImportSources.Http(java.net.URI.create("http://images.example.com/a.qcow2")));
        assertThatThrownBy(() -> none.locate("http://127.0.0.1/a.qcow2"))
                .hasMessageStartingWith("URI for import does not pass filtering: ");
    }

    @Test
    void theStoresOwnBucketIsNeverASource() {
        software.amazon.awssdk.services.s3.S3Client client = dev.ferry.server.objectstorage.S3Clients.create(
                java.net.URI.create("http://127.0.0.1:9"), "us-east-1", "key", "secret", Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        ImportSources withS3 = new ImportSources(http, Optional.empty(),
                Optional.of(new dev.ferry.server.sources.S3Source(client, 1 << 20)), "ferry-images");
        assertThatThrownBy(() -> withS3.locate("s3://ferry-images/task-1-1"))
                .hasMessage("Importing from 's3://ferry-images/task-1-1' is refused: bucket ferry-images holds this "
                        + "server's image data.");
        client.close();
    }

    @Test
    void objectStoreLocationsNeedTheirStoreConfigured() {
        assertThatThrownBy(() -> none.locate("images/disk.vhd"))
                .hasMessageContaining("(container/object) needs an object store (swift.auth_url)");
        assertThatThrownBy(() -> none.locate("swift://images/disk.vhd"))
                .hasMessageContaining("needs an object store (swift.auth_url)");
        assertThatThrownBy(() -> none.locate("s3://bucket/key"))
                .hasMessageContaining("needs S3 settings");
        assertThatThrownBy(() -> none.locate("ftp://host/x"))
                .hasMessageContaining("is not supported: use http(s)://, container/object, swift://container/object or s3://bucket/key");
    }
}
