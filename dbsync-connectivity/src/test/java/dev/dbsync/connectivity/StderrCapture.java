package dev.dbsync.connectivity;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what slf4j-simple (the test logging backend, which writes to the current
 * {@code System.err}) logs while it is open.
 */
final class StderrCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    StderrCapture() {
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    synchronized String text() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    long count(String fragment) {
        String t = text();
        long n = 0;
        for (int i = t.indexOf(fragment); i >= 0; i = t.indexOf(fragment, i + 1)) {
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        System.setErr(original);
        original.print(text());
    }
}
