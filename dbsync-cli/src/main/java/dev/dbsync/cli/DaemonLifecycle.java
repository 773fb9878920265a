package dev.dbsync.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a daemon until SIGTERM/SIGINT (a JVM shutdown hook) or until the running thread is
 * interrupted, then closes it before the JVM exits: the hook waits for the close to finish,
 * bounded by {@link #CLOSE_WAIT}.
 */
final class DaemonLifecycle {
    static final Duration CLOSE_WAIT = Duration.ofSeconds(20);

    private DaemonLifecycle() {
    }

    /**
     * Blocks until a stop is asked, then closes {@code daemon}.
     *
     * @param daemon what to close on stop
     * @param onStop told why the daemon stops, before it is closed
     */
    static void runUntilStopped(AutoCloseable daemon, java.util.function.Consumer<String> onStop) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dbsync-shutdown-1");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean signalled = false;
        try {
            stop.await();
            signalled = true;
        } catch (InterruptedException e) {
            // asked to stop by interruption: close with the flag clear, then restore it
        }
        try {
            onStop.accept(signalled ? "signal received" : "interrupted");
            daemon.close();
        } finally {
            stopped.countDown();
            if (!signalled) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is already exiting; the hook finds `stopped` counted down
                }
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Closes each non-null resource in order, even when one fails; the first failure is rethrown. */
    static void closeAll(AutoCloseable... resources) {
        RuntimeException first = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
