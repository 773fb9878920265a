package dev.dbsync.watch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The Debian {@code sqlite3} shell as a foreign writer: each call is one process that opens, writes and exits. */
final class SqliteCli {
    private static final Path BINARY = Path.of("/usr/bin/sqlite3");

    private SqliteCli() {
    }

    /** Runs {@code sql} in a new {@code sqlite3} process on {@code db}; fails unless it exits 0 within 30 s. */
    static String run(Path db, String sql) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(BINARY.toString(), "-batch", "-bail", db.toString(), sql)
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("sqlite3 did not exit within 30 s: " + sql);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError("sqlite3 exited " + p.exitValue() + " on '" + sql + "': " + out);
        }
        return out.strip();
    }
}
