package io.github.geminibalance.store.jdbc;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The images contract on SQLite files. */
class SqliteImagesTest extends ImagesStoreContract {

    @TempDir
    Path dir;
    private int files;

    @Override
    Map<String, String> newDatabase() {
        return Map.of("SQLITE_DATABASE", dir.resolve("images" + (++files) + ".db").toString());
    }
}
