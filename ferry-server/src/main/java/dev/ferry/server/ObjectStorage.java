package dev.ferry.server;

import dev.ferry.server.config.FerryConfig;
import dev.ferry.server.objectstorage.KeystoneV3Auth;
import dev.ferry.server.objectstorage.S3Clients;
import dev.ferry.server.objectstorage.SwiftAuth;
import dev.ferry.server.objectstorage.SwiftClient;
import dev.ferry.server.objectstorage.TempAuthV1;
import dev.ferry.server.sources.S3Source;
import dev.ferry.server.sources.SwiftSource;
import dev.ferry.server.stores.BlobStore;
import dev.ferry.server.stores.FileStore;
import dev.ferry.server.stores.S3Store;
import dev.ferry.server.stores.SwiftExportTarget;
import dev.ferry.server.stores.Stores;
import dev.ferry.server.stores.SwiftStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Wiring for object storage: the configured {@link BlobStore} ({@code store.type}) and the Swift
 * and S3 import sources when their endpoints are configured. Clients are added to
 * {@code closeables}, which the server closes on shutdown. Timeouts are the {@code url.*} ones.
 */
final class ObjectStorage {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectStorage.class);

    private ObjectStorage() {
    }

    /** The configured stores: {@code stores.enabled} (multistore) or the single {@code store.*} one. */
    static Stores stores(FerryConfig config, Clock clock, List<AutoCloseable> closeables) throws IOException {
        FerryConfig.Stores named = config.stores();
        if (!named.multistore()) {
            return Stores.single(config.store().type(), store(config.store(), config.url(), clock, closeables));
        }
        List<Stores.Entry> entries = new ArrayList<>();
        for (FerryConfig.NamedStore n : named.enabled()) {
            entries.add(new Stores.Entry(n.id(), n.store().type(), n.description(), properties(n.store()),
                    store(n.store(), config.url(), clock, closeables)));
        }
        return Stores.multi(entries, named.defaultId());
    }

    /** What Glance's {@code /v2/info/stores/detail} shows of a store of each type. */
    private static Map<String, Object> properties(FerryConfig.Store store) {
        Map<String, Object> p = new LinkedHashMap<>();
        switch (store.type()) {
            case "swift" -> {
                p.put("container", store.swift().container());
                p.put("large_object_size", store.swift().segmentBytes());
                p.put("large_object_chunk_size", store.swift().segmentBytes());
            }
            case "s3" -> {
                p.put("s3_store_large_object_size", store.s3().partBytes());
                p.put("s3_store_large_object_chunk_size", store.s3().partBytes());
            }
            default -> p.put("data_dir", store.fileRoot().toString());
        }
        return p;
    }

    static BlobStore store(FerryConfig.Store store, FerryConfig.Url url, Clock clock, List<AutoCloseable> closeables)
            throws IOException {
        return switch (store.type()) {
            case "swift" -> {
                SwiftStore swift = new SwiftStore(swiftClient(store.swift(), url, closeables), store.swift().container(),
                        store.swift().segmentBytes());
                inBackground("swift-segment-sweep", () -> swift.sweepAbandonedSegments(ABANDONED_AFTER, clock));
                yield swift;
            }
            case "s3" -> {
                S3Store s3 = new S3Store(s3Client(store.s3(), url, closeables), store.s3().bucket(), store.s3().partBytes());
                inBackground("s3-upload-sweep", () -> s3.abortAbandonedUploads(ABANDONED_AFTER, clock));
                yield s3;
            }
            default -> {
                FileStore fileStore = new FileStore(store.fileRoot(), clock);
                // leftovers of puts killed mid-way; a live put on another node writes at least once per read timeout
                int swept = fileStore.sweepTemporaryFiles(url.readTimeout().multipliedBy(2));
                if (swept > 0) {
                    LOG.info("removed {} unfinished upload file(s) from {}", swept, store.fileRoot());
                }
                yield fileStore;
            }
        };
    }

    /** Uploads older than this are taken for leftovers of a killed process (no live upload takes a day). */
    static final Duration ABANDONED_AFTER = Duration.ofHours(24);

    private interface Sweep {
        int run() throws IOException;
    }

    /** Startup clean-up that must not delay startup nor stop it when object storage is down. */
    private static void inBackground(String name, Sweep sweep) {
        Thread.ofVirtual().name(name).start(() -> {
            try {
                int n = sweep.run();
                if (n > 0) {
                    LOG.info("{}: removed {} abandoned upload(s)/segment(s)", name, n);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("{} failed: {}", name, e.toString());
            }
        });
    }

    /** Reads projects' Swift accounts with the operator's credentials, when {@code swift.auth_url} is set. */
    static Optional<SwiftSource> swiftSource(FerryConfig config, List<AutoCloseable> closeables) {
        FerryConfig.Swift swift = config.store().swift();
        if (swift.authUrl() == null) {
            return Optional.empty();
        }
        return Optional.of(new SwiftSource(swiftClient(config, closeables), swift.resellerPrefix(), config.url().maxBytes()));
    }

    /** Writes exports into projects' Swift accounts with the operator's credentials, when {@code swift.auth_url} is set. */
    static Optional<SwiftExportTarget> swiftExports(FerryConfig config, List<AutoCloseable> closeables) {
        FerryConfig.Swift swift = config.store().swift();
        if (swift.authUrl() == null) {
            return Optional.empty();
        }
        return Optional.of(new SwiftExportTarget(swiftClient(config, closeables), swift.resellerPrefix(),
                swift.segmentBytes()));
    }

    /** Reads from the configured S3 endpoint, when S3 credentials are set. */
    static Optional<S3Source> s3Source(FerryConfig config, List<AutoCloseable> closeables) {
        if (config.store().s3().accessKey().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new S3Source(s3Client(config, closeables), config.url().maxBytes()));
    }

    private static SwiftClient swiftClient(FerryConfig config, List<AutoCloseable> closeables) {
        return swiftClient(config.store().swift(), config.url(), closeables);
    }

    private static SwiftClient swiftClient(FerryConfig.Swift swift, FerryConfig.Url url, List<AutoCloseable> closeables) {
        Duration connect = url.connectTimeout();
        SwiftClient client = new SwiftClient(swiftAuth(swift, connect.plusSeconds(20)), connect, url.readTimeout());
        closeables.add(client);
        return client;
    }

    /** Keystone v3 when the auth URL ends in {@code /v3} ({@code swift.user} = {@code project:user}), else auth v1.0. */
    private static SwiftAuth swiftAuth(FerryConfig.Swift swift, Duration timeout) {
        if (swift.keystone()) {
            int colon = swift.user().indexOf(':');
            return new KeystoneV3Auth(swift.authUrl(), swift.projectDomain(), swift.user().substring(0, colon),
                    swift.userDomain(), swift.user().substring(colon + 1), swift.key(), swift.endpointInterface(), timeout);
        }
        return new TempAuthV1(swift.authUrl(), swift.user(), swift.key(), timeout);
    }

    private static S3Client s3Client(FerryConfig config, List<AutoCloseable> closeables) {
        return s3Client(config.store().s3(), config.url(), closeables);
    }

    private static S3Client s3Client(FerryConfig.S3 s3, FerryConfig.Url url, List<AutoCloseable> closeables) {
        S3Client client = S3Clients.create(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey(),
                url.connectTimeout(), url.readTimeout());
        closeables.add(client);
        return client;
    }
}
