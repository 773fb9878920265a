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

    /** Outputs smaller than this get no progress bar. */
    static final long BAR_THRESHOLD = 4L << 20;

    /**
     * Shows a bar of the bytes written so far to the files of {@code dir} whose names start
     * with {@code prefix} (where a producer writes before its atomic rename), against
     * {@code expected}, until the returned handle is closed. Nothing when not on a terminal or
     * when {@code expected} is below {@link #BAR_THRESHOLD}.
     */
    AutoCloseable barForFilesGrowing(Path dir, String prefix, long expected, String label) {
        if (!enabled || expected < BAR_THRESHOLD) {
            return () -> { };
        }
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
            step(bar(label, written, expected));
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

    static String bar(String label, long done, long total) {
        int width = 30;
        double f = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(f * width);
        return String.format(Locale.ROOT, "%s [%s%s] %5.1f / %.1f MB", label, "#".repeat(filled),
                " ".repeat(width - filled), done / 1e6, total / 1e6);
    }
}
