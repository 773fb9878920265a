package dev.dbsync.bench;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Runs one measurement on its own daemon thread and waits for it at most a given time, so a
 * stalled transfer is reported instead of hanging the harness (a thread stuck in a dependency
 * cannot keep the JVM alive).
 */
final class BoundedRun {
    private BoundedRun() {
    }

    /** A run that did not finish: it made no progress for too long, or used up its time bound. */
    static final class Overrun extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean stalled;
        private final Duration elapsed;

        Overrun(boolean stalled, Duration elapsed) {
            super(stalled ? "stalled" : "time bound reached");
            this.stalled = stalled;
            this.elapsed = elapsed;
        }

        /** @return true when progress stopped; false when the run was moving but too slowly */
        boolean stalled() {
            return stalled;
        }

        /** @return how long the run had been going */
        Duration elapsed() {
            return elapsed;
        }
    }

    /**
     * @return the task's result
     * @throws TimeoutException when it did not finish in time (it is interrupted and abandoned)
     * @throws Exception what the task threw
     */
    static <T> T within(Duration timeout, String name, Callable<T> task) throws Exception {
        try {
            return watched(timeout, timeout.plusSeconds(1), () -> 0, name, task);
        } catch (Overrun e) {
            throw new TimeoutException(name + " did not finish within " + timeout.toSeconds() + " s");
        }
    }

    /**
     * Waits for the task while {@code progress} keeps changing.
     *
     * @param bound the most the run may take
     * @param stall how long {@code progress} may stay unchanged
     * @param progress a counter the task advances (e.g. bytes received)
     * @return the task's result
     * @throws Overrun when the bound is reached or progress stalls (the task is interrupted and abandoned)
     * @throws Exception what the task threw
     */
    static <T> T watched(Duration bound, Duration stall, LongSupplier progress, String name, Callable<T> task)
            throws Exception {
        FutureTask<T> f = new FutureTask<>(task);
        Thread t = new Thread(f, "dbsync-bench-" + name);
        t.setDaemon(true);
        long t0 = System.nanoTime();
        t.start();
        long last = progress.getAsLong();
        long lastChange = t0;
        while (true) {
            try {
                return f.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                long p = progress.getAsLong();
                if (p != last) {
                    last = p;
                    lastChange = now;
                }
                boolean stalled = now - lastChange > stall.toNanos();
                if (stalled || now - t0 > bound.toNanos()) {
                    f.cancel(true);
                    throw new Overrun(stalled, Duration.ofNanos(now - t0));
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }
    }
}
