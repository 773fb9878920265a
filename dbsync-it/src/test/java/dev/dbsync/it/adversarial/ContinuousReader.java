package dev.dbsync.it.adversarial;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongPredicate;
import javax.sql.DataSource;

/**
 * A reader that queries a front office's database without pause, as an application would
 * (point lookups: the first, middle and last rows), and counts every failed query: an
 * exception, rows of different snapshots in one read, or a version the test did not allow.
 * Records each query's latency.
 */
final class ContinuousReader implements AutoCloseable {
    private final DataSource db;
    private final LongPredicate allowedVersion;
    private final long pauseMillis;
    private final Thread thread;
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final List<Long> latencyNanos = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean running = true;

    /**
     * @param name the thread's name
     * @param db the served database
     * @param allowedVersion which versions a query may see
     * @param pauseMillis pause between queries (0: none)
     */
    ContinuousReader(String name, DataSource db, LongPredicate allowedVersion, long pauseMillis) {
        this.db = db;
        this.allowedVersion = allowedVersion;
        this.pauseMillis = pauseMillis;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        while (running) {
            long t0 = System.nanoTime();
            try (Connection c = db.getConnection()) {
                long v = SnapshotFiles.sampledVersion(c);
                if (!allowedVersion.test(v)) {
                    throw new AssertionError("read version " + v + ", which was never accepted");
                }
                latencyNanos.add(System.nanoTime() - t0);
            } catch (Exception | AssertionError e) {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, e.toString());
            }
            queries.incrementAndGet();
            if (pauseMillis > 0) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    long queries() {
        return queries.get();
    }

    long failures() {
        return failures.get();
    }

    String firstFailure() {
        return String.valueOf(firstFailure.get());
    }

    /** @return a copy of the recorded latencies, in nanoseconds */
    List<Long> latencies() {
        synchronized (latencyNanos) {
            return new ArrayList<>(latencyNanos);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
        if (thread.isAlive()) {
            throw new AssertionError("reader " + thread.getName() + " did not stop within 10 s");
        }
    }
}
