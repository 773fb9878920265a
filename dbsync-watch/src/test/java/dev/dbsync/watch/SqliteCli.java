package dev.dbsync.watch;

import dev.dbsync.testkit.ForeignProgram;
import java.nio.file.Path;

/** The {@code sqlite3} shell as a foreign writer: each call is one process that opens, writes and exits. */
final class SqliteCli {
    private SqliteCli() {
    }

    /** Runs {@code sql} in a new {@code sqlite3} process on {@code db} (see {@link ForeignProgram#sqlite3}). */
    static String run(Path db, String sql) {
        return ForeignProgram.onPath("sqlite3").orElseThrow(() -> new AssertionError("no sqlite3 on the PATH"))
                .sqlite3(db, sql);
    }
}
