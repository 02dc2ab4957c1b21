package dev.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.logging.common.spi.LoggingProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class HelidonLoggingTest {

    /** Helidon's LogConfig prints its "no Helidon logging implementation" line only when this finds nothing. */
    @Test
    void helidonFindsFerrysLoggingProvider() {
        assertThat(ServiceLoader.load(LoggingProvider.class).stream().map(p -> p.type().getName()).toList())
                .containsExactly(HelidonLogging.class.getName());
    }
}
