package dev.ferry.server.cli;

import dev.ferry.server.FerryServer;
import dev.ferry.server.config.ConfigException;
import dev.ferry.server.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import dev.ferry.server.images.DigestPair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** {@code ferry serve}: runs the API and the task workers until the process is stopped. */
public final class ServeCommand implements Verb {

    private static final Usage USAGE = new Usage("ferry serve", "", 0, 0, List.of(
            "Serve the Glance-compatible API (default http://127.0.0.1:9292, H2 and files under ./data)."), List.of(
            Usage.Option.value("--listen", null, "HOST:PORT", "address to listen on (server.listen)"),
            Usage.Option.value("--data-dir", null, "DIR", "database and image files (server.data_dir)"),
            Usage.Option.value("--config", null, "FILE", "properties file of config keys")));

    @Override
    public Usage usage() {
        return USAGE;
    }

    @Override
    public int run(CommandArgs args, PrintWriter out, PrintWriter err) throws Exception {
        String listen = args.value("--listen");
        String dataDir = args.value("--data-dir");
        Path configFile = args.value("--config") == null ? null : CommandArgs.path(args.value("--config"));
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
            overrides.put("server.data_dir", dataDir);
        }
        ConfigLoader.Loaded loaded;
        try {
            loaded = ConfigLoader.load(configFile, System.getenv(), overrides);
        } catch (ConfigException e) {
            err.println("ferry: " + e.getMessage());
            return 2;
        }
        loaded.warnings().forEach(log::warn);
        log.info("effective config: {}", ConfigLoader.describe(loaded.effective()));
        log.info("image digests: {}", DigestPair.implementations());
        FerryServer server;
        try {
            server = FerryServer.start(loaded.config(), Clock.systemUTC());
        } catch (RuntimeException e) {
            log.error("cannot start", e);
            err.println("ferry: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "ferry-shutdown"));
        String host = loaded.config().server().host();
        out.println("ferry listening on http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + server.port());
        out.flush();
        stopped.await();
        return 0;
    }
}
