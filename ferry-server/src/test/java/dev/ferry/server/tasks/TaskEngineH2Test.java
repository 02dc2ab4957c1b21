package dev.ferry.server.tasks;

import dev.ferry.server.TestDatabases;
import java.nio.file.Path;

class TaskEngineH2Test extends TaskEngineContract {
    @Override
    String databaseUrl(Path dir) {
        return TestDatabases.h2(dir);
    }
}
