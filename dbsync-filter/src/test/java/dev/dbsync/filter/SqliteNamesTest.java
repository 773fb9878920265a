package dev.dbsync.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leak generators' names do what they claim, on real SQLite and in Java. */
class SqliteNamesTest {

    @Test
    void everyTwinPairIsOneNameToJavaAndTwoToSqlite(@TempDir Path dir) throws Exception {
        try (Connection c = SqliteFiles.open(dir.resolve("twins.db")); Statement s = c.createStatement()) {
            int n = 0;
            for (String[] pair : SqliteNames.TWINS) {
                assertThat(pair[0].equalsIgnoreCase(pair[1])).as("Java merges %s", (Object) pair).isTrue();
                assertThat(SqliteNames.fold(pair[0])).as("our SQLite fold keeps apart %s", (Object) pair)
                        .isNotEqualTo(SqliteNames.fold(pair[1]));
                String a = "t" + n + pair[0];
                String b = "t" + n + pair[1];
                n++;
                s.execute("CREATE TABLE " + SqliteNames.quote(a) + "(x)");
                s.execute("CREATE TABLE " + SqliteNames.quote(b) + "(x)"); // would fail if SQLite merged them
                s.execute("CREATE TABLE " + SqliteNames.quote("c" + n) + "(" + SqliteNames.quote(pair[0]) + ", "
                        + SqliteNames.quote(pair[1]) + ")");
            }
        }
    }

    @Test
    void freshNamesAreDistinctToSqliteAndTwinsMergeInJavaOnly() {
        SqliteNames names = new SqliteNames(new Random(7));
        for (int i = 0; i < 200; i++) {
            String name = names.fresh();
            assertThat(name).doesNotContain("_");
            assertThat(name.toLowerCase(Locale.ROOT)).doesNotStartWith("sqlite");
            String twin = names.twin(name);
            if (twin != null) {
                assertThat(twin.equalsIgnoreCase(name)).isTrue();
                assertThat(SqliteNames.fold(twin)).isNotEqualTo(SqliteNames.fold(name));
                assertThat(names.take(twin)).as("a twin is taken").isFalse();
            }
            assertThat(names.take(names.asciiVariant(name))).as("an ASCII case variant is the same name").isFalse();
        }
    }
}
