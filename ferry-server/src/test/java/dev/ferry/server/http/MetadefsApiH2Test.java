package dev.ferry.server.http;

import dev.ferry.server.TestDatabases;
import java.nio.file.Path;

class MetadefsApiH2Test extends MetadefsApiContract {
    @Override
    String databaseUrl(Path dir) {
        return TestDatabases.h2(dir);
    }
}
