package dev.ferry.server.http;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is taken care of, through its supported SPI (found with
 * {@code ServiceLoader}); without a provider Helidon's {@code LogConfig} prints "There is no Helidon
 * logging implementation on classpath, skipping log configuration." to stderr at start.
 *
 * <p>Ferry logs with SLF4J and logback ({@code logback.xml}); {@code ServeCommand} routes
 * java.util.logging, which Helidon writes to, into SLF4J. Helidon's own providers (JUL, log4j,
 * slf4j modules) would configure a logging system again, so this one does nothing.
 */
public final class HelidonLogging implements LoggingProvider {

    /** Public no-argument constructor, for {@code ServiceLoader}. */
    public HelidonLogging() {
    }

    @Override
    public void initialization() {
        // logging is configured by logback.xml and ServeCommand
    }

    @Override
    public void runTime() {
        // only called in a GraalVM native image, which Ferry is not
    }
}
