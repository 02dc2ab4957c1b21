package dev.ferry.server.http;

import dev.ferry.server.TestDatabases;
import java.nio.file.Path;

class MetadefsApiPostgresTest extends MetadefsApiContract {
    @Override
    String databaseUrl(Path dir) {
        return TestDatabases.postgres();
    }
}
