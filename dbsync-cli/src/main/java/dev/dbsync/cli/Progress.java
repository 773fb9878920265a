package dev.dbsync.cli;

import java.io.PrintWriter;

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

    void step(String text) {
        if (!enabled) {
            return;
        }
        err.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
        width = text.length();
        err.flush();
    }

    void done() {
        if (enabled && width > 0) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
            width = 0;
        }
    }
}
