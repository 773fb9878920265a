package dev.dbsync.bench;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.time.Duration;

/**
 * Runs one measurement on its own daemon thread and waits for it at most a given time, so a
 * stalled transfer is reported instead of hanging the harness (a thread stuck in a dependency
 * cannot keep the JVM alive).
 */
final class BoundedRun {
    private BoundedRun() {
    }

    /**
     * @return the task's result
     * @throws TimeoutException when it did not finish in time (it is interrupted and abandoned)
     * @throws Exception what the task threw
     */
    static <T> T within(Duration timeout, String name, Callable<T> task) throws Exception {
        FutureTask<T> f = new FutureTask<>(task);
        Thread t = new Thread(f, "dbsync-bench-" + name);
        t.setDaemon(true);
        t.start();
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
