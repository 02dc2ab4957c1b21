package dev.ferry.server;

import dev.ferry.server.config.FerryConfig;
import dev.ferry.server.db.Database;
import dev.ferry.server.http.ApiException;
import dev.ferry.server.http.ApiSupport;
import dev.ferry.server.http.ImagesResource;
import dev.ferry.server.http.ImportResource;
import dev.ferry.server.http.InfoResource;
import dev.ferry.server.images.ImageRepository;
import dev.ferry.server.images.ImageService;
import dev.ferry.server.images.ImageStores;
import dev.ferry.server.sources.HttpSource;
import dev.ferry.server.sources.UrlGuard;
import dev.ferry.server.stores.Stores;
import dev.ferry.server.stores.FileStore;
import dev.ferry.server.http.Json;
import dev.ferry.server.http.MetadefsResource;
import dev.ferry.server.metadefs.MetadefRepository;
import dev.ferry.server.metadefs.MetadefService;
import dev.ferry.server.http.Schemas;
import dev.ferry.server.http.SchemasResource;
import dev.ferry.server.http.StoresResource;
import dev.ferry.server.http.TasksResource;
import dev.ferry.server.http.VersionsResource;
import dev.ferry.server.identity.IdentityResolver;
import dev.ferry.server.identity.NoAuthResolver;
import dev.ferry.server.identity.StaticTokenResolver;
import dev.ferry.server.identity.KeystoneResolver;
import dev.ferry.server.identity.TokenCache;
import dev.ferry.server.policy.Policy;
import dev.ferry.server.tasks.ImageImportService;
import dev.ferry.server.tasks.ImportPolicy;
import dev.ferry.server.tasks.ImportSourceCheck;
import dev.ferry.server.tasks.ImportSources;
import dev.ferry.server.tasks.StagingArea;
import dev.ferry.server.tasks.Job;
import dev.ferry.server.tasks.TaskReaper;
import dev.ferry.server.tasks.TaskRepository;
import dev.ferry.server.tasks.TaskService;
import dev.ferry.server.tasks.TaskType;
import dev.ferry.server.tasks.TaskWorkerPool;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running Ferry node: database, task engine and HTTP server, wired by hand. Start with
 * {@link #start}, stop with {@link #close}.
 */
public final class FerryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FerryServer.class);

    private final Database database;
    private final TaskWorkerPool workers;
    private final TaskReaper reaper;
    private final WebServer web;

    private final List<AutoCloseable> closeables;

    private FerryServer(Database database, TaskWorkerPool workers, TaskReaper reaper, WebServer web,
                        List<AutoCloseable> closeables) {
        this.closeables = List.copyOf(closeables);
        this.database = database;
        this.workers = workers;
        this.reaper = reaper;
        this.web = web;
    }

    private static IdentityResolver keystone(FerryConfig.Keystone k, Clock clock) {
        return KeystoneResolver.create(new KeystoneResolver.Settings(k.url(), k.user(), k.password(), k.project(),
                k.userDomain(), k.projectDomain(), k.timeout()), clock, new TokenCache(clock, k.cacheTtl(), k.cacheSize()));
    }

    /** Builds every component from the config and starts serving. */
    public static FerryServer start(FerryConfig config, Clock clock) {
        if (!SLF4JBridgeHandler.isInstalled()) { // Helidon logs through java.util.logging
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        try {
            Files.createDirectories(config.server().dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data dir " + config.server().dataDir(), e);
        }
        IdentityResolver identities = switch (config.identity().type()) {
            case "noauth" -> new NoAuthResolver();
            case "static" -> {
                try {
                    yield StaticTokenResolver.fromFile(config.identity().tokensFile());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read identity.tokens_file", e);
                }
            }
            case "keystone" -> keystone(config.identity().keystone(), clock);
            default -> throw new IllegalStateException("identity.type=" + config.identity().type()
                    + " is not available; use noauth, static or keystone");
        };
        Policy policy;
        try {
            policy = Policy.load(config.tasks().access() == FerryConfig.TaskAccess.MEMBER, config.identity().policyFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read policy.file", e);
        }

        JsonMapper json = Json.standard();
        Database database = Database.open(config.database());
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            TaskRepository taskRepository = new TaskRepository(database.jdbi(), json);
            ImageRepository imageRepository = new ImageRepository(database.jdbi(), json);
            Stores stores = ObjectStorage.stores(config, clock, closeables);
            StagingArea staging = new StagingArea(config.server().dataDir().resolve("staging"), clock);
            int stale = staging.sweep(config.url().readTimeout().multipliedBy(2));
            if (stale > 0) {
                LOG.info("removed {} import staging file(s) from {}", stale, staging.dir());
            }
            ImportPolicy importPolicy = ImportPolicy.of(config.importing().profile(), config.importing().outputFormat(),
                    config.url().maxBytes());
            UrlGuard guard = new UrlGuard(Jobs.urlPolicy(config.url()));
            HttpSource source = new HttpSource(guard);
            closeables.add(source);
            ImportSources sources = new ImportSources(source, ObjectStorage.swiftSource(config, closeables),
                    ObjectStorage.s3Source(config, closeables), config.store().s3().bucket());
            Map<TaskType, Job> jobs = Jobs.create(sources, stores, imageRepository, clock, json, importPolicy,
                    staging, ObjectStorage.swiftExports(config, closeables), taskRepository);
            String nodeId = "node-" + UUID.randomUUID();
            TaskWorkerPool workers = new TaskWorkerPool(taskRepository, database.jdbi(), clock, config.tasks(), jobs,
                    nodeId);
            ImportSourceCheck sourceCheck = Jobs.sourceCheck(guard, sources);
            ImageService imageService = new ImageService(imageRepository, stores, clock, config.images().maxUploadBytes(),
                    policy);
            ImageStores imageStores = new ImageStores(imageService, imageRepository);
            TaskService taskService = new TaskService(taskRepository, clock, policy, sourceCheck,
                    workers::wake, json);
            ImageImportService imageImports = new ImageImportService(imageService, imageRepository, taskRepository,
                    config.importing().methods(), guard, clock, workers::wake, json);
            // leftovers of a process killed after startup: same safe age as at startup (a live
            // download or put writes at least once per read timeout); files in use here are kept
            Duration leftoverAge = config.url().readTimeout().multipliedBy(2);
            Map<String, TaskReaper.Leftovers> leftovers = new java.util.LinkedHashMap<>();
            leftovers.put("import staging file(s) from " + staging.dir(), () -> staging.sweep(leftoverAge));
            for (Stores.Entry e : stores.entries()) {
                if (e.store() instanceof FileStore fileStore) {
                    leftovers.put("unfinished upload file(s) from the file store" + (stores.multistore() ? " " + e.id() : ""),
                            () -> fileStore.sweepTemporaryFiles(leftoverAge));
                }
            }
            TaskReaper reaper = new TaskReaper(taskRepository, clock, config.tasks().reaperInterval(), leftovers);

            MetadefService metadefs = new MetadefService(new MetadefRepository(database.jdbi()), policy, clock);
            ApiSupport api = new ApiSupport(json, identities, config.server().maxBodyBytes(),
                    config.server().maxJsonDepth());
            Schemas schemas = new Schemas(json);
            WebServer web = WebServer.builder()
                    .host(config.server().host())
                    .port(config.server().port())
                    .shutdownGracePeriod(Duration.ofSeconds(5))
                    .routing(r -> {
                        api.install(r);
                        r.register("/", new VersionsResource(api));
                        r.register("/v2/schemas", new SchemasResource(schemas));
                        r.register("/v2/tasks", new TasksResource(taskService, api, schemas));
                        r.register("/v2/images", new ImportResource(imageImports, imageService, api));
                        r.register("/v2/images", new ImagesResource(imageService, imageStores, api, schemas,
                                config.importing().methods()));
                        r.register("/v2/info", new InfoResource(config.importing().methods(), imageService, api));
                        r.register("/v2/stores", new StoresResource(imageStores, api));
                        r.register("/v2/metadefs", new MetadefsResource(metadefs, api, schemas));
                        r.any((req, res) -> {
                            throw new ApiException(Status.NOT_FOUND_404, "The resource could not be found.");
                        });
                    })
                    .build()
                    .start();
            workers.start();
            reaper.start();
            return new FerryServer(database, workers, reaper, web, closeables);
        } catch (IOException e) {
            closeables.forEach(FerryServer::closeQuietly);
            database.close();
            throw new UncheckedIOException("cannot open the " + config.store().type() + " store", e);
        } catch (RuntimeException e) {
            closeables.forEach(FerryServer::closeQuietly);
            database.close();
            throw e;
        }
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return web.port();
    }

    public String nodeId() {
        return workers.nodeId();
    }

    @Override
    public void close() {
        web.stop();
        reaper.close();
        workers.close();
        closeables.forEach(FerryServer::closeQuietly);
        database.close();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // shutting down: nothing useful to do
        }
    }
}
