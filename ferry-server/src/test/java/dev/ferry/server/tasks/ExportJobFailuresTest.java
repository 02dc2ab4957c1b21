package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.server.TestDatabases;
import dev.ferry.server.config.FerryConfig;
import dev.ferry.server.db.Database;
import dev.ferry.server.images.Image;
import dev.ferry.server.images.ImageRepository;
import dev.ferry.server.objectstorage.FixedSwiftAuth;
import dev.ferry.server.objectstorage.SwiftAuth;
import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.SwiftSession;
import dev.ferry.server.stores.BlobStore;
import dev.ferry.server.stores.Stores;
import dev.ferry.server.stores.StoredBlob;
import dev.ferry.server.stores.SwiftExportTarget;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link ExportJob}'s failures without a real Swift: a loopback server plays the project's account
 * (the container exists, the object does not). Bad input fails the task with its message; a
 * programming error is not dressed up as one.
 */
class ExportJobFailuresTest {

    private static final String CONTAINER = "exports";

    @TempDir
    Path dir;

    private HttpServer swiftServer;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private Database db;
    private ImageRepository images;
    private TaskRepository tasks;
    private StagingArea staging;
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeEach
    void start() throws IOException {
        swiftServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        swiftServer.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getRawPath();
                requests.add(exchange.getRequestMethod() + " " + path);
                boolean container = path.endsWith("/" + CONTAINER);
                exchange.sendResponseHeaders(exchange.getRequestMethod().equals("HEAD") ? (container ? 204 : 404) : 500, -1);
            }
        });
        swiftServer.start();
        db = Database.open(new FerryConfig.Database(TestDatabases.h2(dir), "", "", 2));
        images = new ImageRepository(db.jdbi(), json);
        tasks = new TaskRepository(db.jdbi(), json);
        staging = new StagingArea(dir.resolve("staging"), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        swiftServer.stop(0);
        db.close();
    }

    private SwiftExportTarget swift() {
        URI storage = URI.create("http://127.0.0.1:" + swiftServer.getAddress().getPort() + "/v1/AUTH_operator");
        SwiftAuth auth = new FixedSwiftAuth(storage);
        return new SwiftExportTarget(new SwiftClient(auth, Duration.ofSeconds(5), Duration.ofSeconds(5)), "AUTH_", 1 << 20);
    }

    /** An active raw image of {@code owner}, recorded in the single store. */
    private UUID image(String owner) {
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
        Image image = new Image(id, "i", "active", "private", owner, "raw", "bare", 512L, null, null, null, null,
                id.toString(), 0, 0, false, Map.of(), now, now, false, List.of());
        db.jdbi().useTransaction(h -> images.insertWithLocations(h, image, List.of(Stores.SINGLE_ID)));
        return id;
    }

    private Task exportTask(String owner, UUID image) {
        Instant now = Instant.now();
        String input = "{\"image_uuid\": \"" + image + "\", \"receiving_swift_container\": \"" + CONTAINER + "\"}";
        return new Task(UUID.randomUUID(), TaskType.EXPORT, TaskStatus.PROCESSING, owner, input, null, "", now, now,
                null, "req", "user", image.toString(), null, 1);
    }

    private static final JobContext CONTEXT = new JobContext() {
        @Override
        public void progress(long bytesDone, long bytesTotal) {
        }

        @Override
        public void succeed(ObjectNode result, Consumer<Handle> inSameTransaction) {
            throw new AssertionError("not expected to succeed");
        }

        @Override
        public boolean leaseLost() {
            return false;
        }
    };

    /** A store whose reads fail the way a bug in Ferry would, not the way bad data does. */
    private static final BlobStore BROKEN = new BlobStore() {
        @Override
        public StoredBlob put(String key, InputStream data) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream get(String key) {
            throw new IllegalArgumentException("a bug in the store");
        }

        @Override
        public long size(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(String key) {
            throw new UnsupportedOperationException();
        }
    };

    @Test
    void aProjectIdSwiftCannotAddressFailsTheExportWithItsMessage() {
        String owner = "bad.project";
        UUID id = image(owner);
        ExportJob job = new ExportJob(Stores.single("s3", BROKEN), images, swift(), staging, json, tasks);
        assertThatThrownBy(() -> job.run(exportTask(owner, id), CONTEXT))
                .isInstanceOf(JobFailedException.class)
                .hasMessage("Export of image " + id + " to " + CONTAINER + "/" + id + ".vhd failed: "
                        + "invalid project id for object storage: bad.project");
        assertThat(requests).isEmpty(); // refused before anything was sent for that project
    }

    @Test
    void aProgrammingErrorIsNotReportedAsAnExportFailure() throws IOException {
        String owner = "proj42";
        UUID id = image(owner);
        ExportJob job = new ExportJob(Stores.single("s3", BROKEN), images, swift(), staging, json, tasks);
        assertThatThrownBy(() -> job.run(exportTask(owner, id), CONTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a bug in the store");
        assertThat(requests).containsExactly("HEAD /v1/AUTH_proj42/" + CONTAINER,
                "HEAD /v1/AUTH_proj42/" + CONTAINER + "/" + id + ".vhd");
        try (Stream<Path> left = Files.walk(dir.resolve("staging"))) {
            assertThat(left.filter(Files::isRegularFile)).isEmpty(); // the staging file is still removed
        }
    }
}
