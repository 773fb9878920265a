package dev.dbsync.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A program other than this JVM, run as a new process that must exit 0 within 30 s: the
 * {@code sqlite3} shell, {@code python3}, {@code mv}. Tests use them to write a database the
 * way other programs do (open, write, exit), so that SQLite's locks are those of separate
 * processes.
 *
 * <pre>{@code
 * ForeignProgram shell = ForeignProgram.onPath("sqlite3").orElseThrow();
 * shell.sqlite3(db, "INSERT INTO posts(body) VALUES ('hi')");
 * }</pre>
 */
public final class ForeignProgram {
    /** Longest one run may take; the {@code sqlite3} shell's busy timeout is 10 s. */
    private static final long LIMIT_SECONDS = 30;

    private final Path executable;

    private ForeignProgram(Path executable) {
        this.executable = executable;
    }

    /**
     * Finds a program on the {@code PATH}.
     *
     * @param name the program's file name, e.g. {@code sqlite3}
     * @return the program, or empty when no directory of the {@code PATH} has it
     */
    public static Optional<ForeignProgram> onPath(String name) {
        Objects.requireNonNull(name, "name");
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty()) {
                Path p = Path.of(d, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(new ForeignProgram(p));
                }
            }
        }
        return Optional.empty();
    }

    /** @return the executable's path */
    public Path executable() {
        return executable;
    }

    /**
     * Runs the program once with these arguments.
     *
     * @param args the arguments
     * @return what it printed on stdout and stderr, stripped
     * @throws IllegalStateException naming the command, its exit code and output, when it cannot
     *     start, exits non-zero or runs longer than 30 s (it is then killed)
     */
    public String run(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of(executable.toString()));
        argv.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            boolean exited = p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly().waitFor(LIMIT_SECONDS, TimeUnit.SECONDS);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!exited) {
                throw new IllegalStateException(argv + " still running after " + LIMIT_SECONDS + " s, killed: " + out);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(argv + " exited " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + argv + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + argv, e);
        }
    }

    /**
     * Runs SQL in a new {@code sqlite3} shell process (this program being the shell): it opens
     * {@code db}, waits up to 10 s for locks, runs {@code sql}, stops at the first error, exits.
     *
     * @param db the database file
     * @param sql one or more statements, or a dot-command
     * @return what the shell printed
     * @throws IllegalStateException as {@link #run(String...)}
     */
    public String sqlite3(Path db, String sql) {
        return run("-bail", "-cmd", ".timeout 10000", db.toString(), sql);
    }
}
