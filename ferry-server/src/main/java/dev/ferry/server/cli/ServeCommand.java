package dev.ferry.server.cli;

import dev.ferry.server.FerryServer;
import dev.ferry.server.config.ConfigException;
import dev.ferry.server.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry serve}: runs the API and the task workers until the process is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the Glance-compatible API (default http://127.0.0.1:9292, H2 and files under ./data).")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "address to listen on (server.listen)")
    String listen;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "database and image files (server.data_dir)")
    Path dataDir;

    @Option(names = "--config", paramLabel = "FILE", description = "properties file of config keys")
    Path configFile;

    @Override
    public Integer call() throws Exception {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        Logger log = LoggerFactory.getLogger(ServeCommand.class);
        Map<String, String> overrides = new LinkedHashMap<>();
        if (listen != null) {
            overrides.put("server.listen", listen);
        }
        if (dataDir != null) {
            overrides.put("server.data_dir", dataDir.toString());
        }
        ConfigLoader.Loaded loaded;
        try {
            loaded = ConfigLoader.load(configFile, System.getenv(), overrides);
        } catch (ConfigException e) {
            System.err.println("ferry: " + e.getMessage());
            return 2;
        }
        loaded.warnings().forEach(log::warn);
        log.info("effective config: {}", ConfigLoader.describe(loaded.effective()));
        FerryServer server;
        try {
            server = FerryServer.start(loaded.config(), Clock.systemUTC());
        } catch (RuntimeException e) {
            log.error("cannot start", e);
            System.err.println("ferry: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "ferry-shutdown"));
        String host = loaded.config().server().host();
        System.out.println("ferry listening on http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + server.port());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
