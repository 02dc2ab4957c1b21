package dev.ferry.server.tasks;

import dev.ferry.server.TestDatabases;
import java.nio.file.Path;

class TaskEnginePostgresTest extends TaskEngineContract {
    @Override
    String databaseUrl(Path dir) {
        return TestDatabases.postgres();
    }
}
