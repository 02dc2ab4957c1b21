package dev.ferry.server.http;

import dev.ferry.server.TestDatabases;
import java.nio.file.Path;

class ImageImportPostgresTest extends ImageImportContract {
    @Override
    String databaseUrl(Path dir) {
        return TestDatabases.postgres();
    }
}
