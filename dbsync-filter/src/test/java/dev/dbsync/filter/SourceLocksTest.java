package dev.dbsync.filter;

import static dev.dbsync.filter.SqliteFiles.exec;
import static dev.dbsync.filter.SqliteFiles.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbsync.api.DbsyncException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.testkit.ForeignProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 1: producing a snapshot opens the source through SQLite only. Closing any other
 * descriptor of the source would drop every POSIX lock this process holds on it (here: the
 * lock of a connection that keeps the WAL source open), and a foreign writer exiting would then
 * checkpoint and delete {@code -wal} under that connection. Checked on the real process:
 * {@code /proc/locks} and a real {@code sqlite3} writer.
 */
@Timeout(60)
class SourceLocksTest {
    @TempDir
    Path dir;

    @Test
    void producingKeepsTheLocksOfAConnectionHoldingTheSourceOpen() throws Exception {
        Path source = dir.resolve("bo.db");
        exec(source, "PRAGMA journal_mode = WAL", "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT)",
                "INSERT INTO posts VALUES (1, 'hello')");
        try (Connection holder = SqliteFiles.open(source); Statement s = holder.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM posts")) {
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
            assertThat(locksOnFile(source)).as("locks of this process on the source before producing").isNotEmpty();

            SnapshotProducer.builder(source).build().produce(dir.resolve("public.db"),
                    FilterSpec.builder().fullTables("posts").build(), 1);

            assertThat(locksOnFile(source)).as("locks of this process on the source after producing").isNotEmpty();
            sqlite3(source, "INSERT INTO posts VALUES (2, 'from another process');");
            assertThat(Path.of(source + "-wal")).as("-wal kept while this process still has the source open")
                    .exists();
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM posts")) {
                assertThat(rs.getLong(1)).as("the holder sees the foreign write").isEqualTo(2);
            }
        }
    }

    @Test
    void theSnapshotKeepsTheSourceTextEncoding() throws Exception {
        Path source = dir.resolve("utf16.db");
        exec(source, "PRAGMA encoding = 'UTF-16le'", "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)",
                "INSERT INTO t VALUES (1, 'é')");
        Path out = dir.resolve("public.db");
        SnapshotProducer.builder(source).build().produce(out, FilterSpec.builder().fullTables("t").build(), 1);
        assertThat(value(out, "PRAGMA encoding")).isEqualTo("UTF-16le");
        assertThat(value(out, "SELECT s FROM t")).isEqualTo("é");
    }

    @Test
    void aSourceThatIsNotADatabaseIsNamed() throws Exception {
        Path source = dir.resolve("notes.db");
        Files.writeString(source, "x".repeat(4096));
        assertThatThrownBy(() -> SnapshotProducer.builder(source).build().produce(dir.resolve("public.db"),
                FilterSpec.builder().fullTables("t").build(), 1))
                .isInstanceOf(DbsyncException.class).hasMessageContaining(source.toString())
                .hasMessageContaining("not a SQLite database");
    }

    /** The lines of {@code /proc/locks} held by this process on {@code file}'s inode. */
    private static List<String> locksOnFile(Path file) throws IOException {
        long inode = (Long) Files.getAttribute(file, "unix:ino");
        String pid = Long.toString(ProcessHandle.current().pid());
        return Files.readAllLines(Path.of("/proc/locks")).stream()
                .filter(l -> List.of(l.trim().split("\\s+")).contains(pid))
                .filter(l -> List.of(l.trim().split("\\s+")).stream().anyMatch(f -> f.endsWith(":" + inode)))
                .toList();
    }

    private static void sqlite3(Path db, String sql) {
        ForeignProgram.onPath("sqlite3").orElseThrow(() -> new AssertionError("no sqlite3 on the PATH"))
                .sqlite3(db, sql);
    }
}
