package dev.dbsync.it.foreign;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Programs other than this JVM that open the back-office database, do one thing and exit: the
 * {@code sqlite3} shell, a Python {@code sqlite3} script, {@code mv}. Each run is a new process,
 * bounded in time, and must exit 0.
 */
final class ForeignProcesses {
    /** Longest a single foreign process may run; its busy timeout is 10 s. */
    private static final long RUN_LIMIT_SECONDS = 30;
    private static final String SCRIPT = "/dev/dbsync/it/foreign/write_post.py";

    private final Path sqlite3;
    private final Path python3;
    private final Path script;

    private ForeignProcesses(Path sqlite3, Path python3, Path script) {
        this.sqlite3 = sqlite3;
        this.python3 = python3;
        this.script = script;
    }

    /** @return the programs, or a skipped test (JUnit assumption) when one is not installed */
    static ForeignProcesses findOrSkip() {
        Optional<Path> sqlite3 = onPath("sqlite3");
        Optional<Path> python3 = onPath("python3");
        assumeTrue(sqlite3.isPresent(), "the sqlite3 shell is not installed (.ci/run installs it)");
        assumeTrue(python3.isPresent(), "python3 is not installed (.ci/run installs it)");
        try {
            Path script = Path.of(ForeignProcesses.class.getResource(SCRIPT).toURI());
            return new ForeignProcesses(sqlite3.get(), python3.get(), script);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(SCRIPT, e);
        }
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty()) {
                Path p = Path.of(d, program);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Runs SQL in a new {@code sqlite3} shell process: opens {@code db}, runs, exits.
     *
     * @return what it printed
     */
    String sqlite3(Path db, String sql) {
        return run(sqlite3.toString(), "-bail", "-cmd", ".timeout 10000", db.toString(), sql);
    }

    /** Publishes one post with body {@code body} from a new Python process. */
    void python(Path db, String body) {
        run(python3.toString(), script.toString(), db.toString(), body);
    }

    /** Renames {@code from} over {@code to} in a new {@code mv} process. */
    void mv(Path from, Path to) {
        run("mv", "-f", from.toString(), to.toString());
    }

    private static String run(String... command) {
        List<String> argv = new ArrayList<>(List.of(command));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            boolean exited = p.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly().waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(exited).as("%s still running after %d s: %s", argv, RUN_LIMIT_SECONDS, out).isTrue();
            assertThat(p.exitValue()).as("exit code of %s: %s", argv, out).isZero();
            return out.strip();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + argv, e);
        }
    }
}
