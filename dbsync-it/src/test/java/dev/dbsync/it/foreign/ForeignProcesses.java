package dev.dbsync.it.foreign;

import dev.dbsync.testkit.ForeignProgram;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The programs other than this JVM that write the back office in {@link ForeignWriterIT}: the
 * {@code sqlite3} shell, a Python {@code sqlite3} script ({@code write_post.py}) and {@code mv}.
 * Each call is a new process that opens the database, does one thing and exits.
 */
final class ForeignProcesses {
    private static final String SCRIPT = "/dev/dbsync/it/foreign/write_post.py";

    private final ForeignProgram sqlite3;
    private final ForeignProgram python3;
    private final ForeignProgram mv;
    private final Path script;

    private ForeignProcesses(ForeignProgram sqlite3, ForeignProgram python3, ForeignProgram mv, Path script) {
        this.sqlite3 = sqlite3;
        this.python3 = python3;
        this.mv = mv;
        this.script = script;
    }

    /** @return the programs, or a skipped test (JUnit assumption) when one is not installed */
    static ForeignProcesses findOrSkip() {
        Optional<ForeignProgram> sqlite3 = ForeignProgram.onPath("sqlite3");
        Optional<ForeignProgram> python3 = ForeignProgram.onPath("python3");
        assumeTrue(sqlite3.isPresent(), "the sqlite3 shell is not installed (.ci/run installs it)");
        assumeTrue(python3.isPresent(), "python3 is not installed (.ci/run installs it)");
        try {
            Path script = Path.of(ForeignProcesses.class.getResource(SCRIPT).toURI());
            return new ForeignProcesses(sqlite3.get(), python3.get(), ForeignProgram.onPath("mv").orElseThrow(), script);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(SCRIPT, e);
        }
    }

    /** Runs SQL in a new {@code sqlite3} shell process. @return what it printed */
    String sqlite3(Path db, String sql) {
        return sqlite3.sqlite3(db, sql);
    }

    /** Publishes one post with body {@code body} from a new Python process. */
    void python(Path db, String body) {
        python3.run(script.toString(), db.toString(), body);
    }

    /** Renames {@code from} over {@code to} in a new {@code mv} process. */
    void mv(Path from, Path to) {
        mv.run("-f", from.toString(), to.toString());
    }
}
