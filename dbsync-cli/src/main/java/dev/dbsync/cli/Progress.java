package dev.dbsync.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Progress lines on stderr, shown only when the process runs on a terminal (so pipes, CI logs
 * and tests stay quiet). Each step overwrites the previous one and {@link #done()} clears it.
 */
final class Progress {
    private final PrintWriter err;
    private final boolean enabled;
    private int width;

    private Progress(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /** @return progress on {@code err} when the JVM has a console, else a silent one */
    static Progress onTerminal(PrintWriter err) {
        return new Progress(err, System.console() != null);
    }

    synchronized void step(String text) {
        if (!enabled) {
            return;
        }
        err.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
        width = text.length();
        err.flush();
    }

    synchronized void done() {
        if (enabled && width > 0) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
            width = 0;
        }
    }

    /** Sources smaller than this get no progress line. */
    static final long THRESHOLD = 4L << 20;

    /**
     * Shows, until the returned handle is closed, how long the work has run and how many bytes
     * the files of {@code dir} whose names start with {@code prefix} (where a producer writes
     * before its atomic rename) hold so far. Nothing when not on a terminal or when
     * {@code sourceSize} is below {@link #THRESHOLD}. (SQLite may write most pages at commit,
     * so the byte count can jump; the producer offers no finer progress callback.)
     */
    AutoCloseable forFilesGrowing(Path dir, String prefix, long sourceSize, String label) {
        if (!enabled || sourceSize < THRESHOLD) {
            return () -> { };
        }
        long started = System.nanoTime();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dbsync-progress-1");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            long written = 0;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, f -> f.getFileName().toString().startsWith(prefix))) {
                for (Path f : files) {
                    written += Files.size(f);
                }
            } catch (IOException | RuntimeException e) {
                return; // a file renamed or removed under us: try again next tick
            }
            step(line(label, written, sourceSize, System.nanoTime() - started));
        }, 200, 200, TimeUnit.MILLISECONDS);
        return () -> {
            timer.shutdownNow();
            try {
                timer.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done();
        };
    }

    static String line(String label, long written, long sourceSize, long elapsedNanos) {
        return String.format(Locale.ROOT, "%s: %.1f s, %.1f MB written (source %.1f MB)", label, elapsedNanos / 1e9,
                written / 1e6, sourceSize / 1e6);
    }
}
