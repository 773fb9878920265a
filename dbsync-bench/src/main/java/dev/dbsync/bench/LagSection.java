package dev.dbsync.bench;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.core.Publisher;
import dev.dbsync.core.Subscriber;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * Section 3: end-to-end lag, from a commit on the back office to {@code onSwap} on the front
 * office, over netty QUIC on loopback, with the in-process trigger and with polling only.
 */
final class LagSection {
    static final String KEY = "lag";
    private static final FilterSpec SPEC = FilterSpec.builder().fullTables("items", "ticks").build();
    private static final Duration PER_COMMIT = Duration.ofSeconds(30);
    private static final long GAP_MILLIS = 250;

    private LagSection() {
    }

    /** p50, p99 and max of one series, or why it stopped. */
    private record Series(double p50, double p99, double max, int commits, String note) {
    }

    static void run(BenchProfile profile, Path work, BenchReport report) throws Exception {
        report.section(KEY, "3. End-to-end lag",
                "Commit of one row on the back office → `onSwap` on the front office (which then sees the row),"
                        + " netty QUIC over loopback, one subscriber; the snapshot is produced whole each commit."
                        + " The end time is taken first thing in `onSwap`; the measuring thread sleeps until then"
                        + " (it does not poll, so it takes no CPU from what it measures).",
                "Commits are " + GAP_MILLIS + " ms apart (more than the 200 ms debounce), so each is isolated;"
                        + " publisher defaults (poll interval 200 ms, debounce 200 ms). Milliseconds, lower is better.",
                "Baseline: polling only (no trigger attached) with the same snapshot, in the same run.");
        LoopbackReplication rig = LoopbackReplication.create(work.resolve("lag-pki"), "netty");
        for (BenchProfile.Sized size : profile.lag()) {
            Series trigger = bounded(rig, work, size, true);
            Series poll = bounded(rig, work, size, false);
            String subject = String.format(Locale.ROOT, "in-process trigger, %s snapshot", mib(size.bytes()));
            String base = String.format(Locale.ROOT, "polling only, %s snapshot", mib(size.bytes()));
            report.add(new Figure(KEY, subject, "p50 ms", trigger.p50(), base, poll.p50(),
                    trigger.note() + "; baseline " + poll.note()));
            report.add(new Figure(KEY, subject, "p99 ms", trigger.p99(), base, poll.p99(),
                    String.format(Locale.ROOT, "max %s ms; baseline max %s ms", BenchReport.number(trigger.max()),
                            BenchReport.number(poll.max()))));
        }
    }

    static String mib(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    private static Series bounded(LoopbackReplication rig, Path work, BenchProfile.Sized size, boolean trigger) {
        Duration bound = PER_COMMIT.multipliedBy(size.runs()).plusSeconds(120);
        try {
            return BoundedRun.within(bound, "lag", () -> measure(rig, work, size, trigger));
        } catch (TimeoutException e) {
            return new Series(Double.NaN, Double.NaN, Double.NaN, 0, "did not finish within " + bound.toSeconds() + " s");
        } catch (Exception e) {
            return new Series(Double.NaN, Double.NaN, Double.NaN, 0, "failed: " + e);
        }
    }

    private static Series measure(LoopbackReplication rig, Path work, BenchProfile.Sized size, boolean trigger)
            throws Exception {
        Path dir = Files.createTempDirectory(work, "lag");
        Path bo = dir.resolve("bo.db");
        try (Connection app = SourceDatabase.open(bo); Statement s = app.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE items(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
            s.execute("CREATE TABLE ticks(id INTEGER PRIMARY KEY, at INTEGER NOT NULL)");
            s.execute("CREATE TABLE private(id INTEGER PRIMARY KEY, body TEXT)");
            // 1000-byte rows of hex text
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
                    + Math.max(1, size.bytes() / 1100) + ") INSERT INTO items(body) SELECT hex(randomblob(500)) FROM n");
            Swaps seen = new Swaps();
            List<Double> lags = new ArrayList<>();
            String note;
            long snapshotBytes;
            try (Subscriber sub = rig.subscriber(dir.resolve("fo.db"))) {
                sub.onSwap(() -> seen.swapped(System.nanoTime(), maxTick(sub)));
                try (Publisher pub = rig.publisher(bo, SPEC, dir.resolve("public.db"),
                        List.of(sub.localAddress().getPort()))) {
                    pub.start();
                    AutoCloseable attached = trigger ? pub.attachTo(app) : () -> { };
                    try (attached) {
                        if (!pub.awaitDelivery(Duration.ofSeconds(60))) {
                            throw new IllegalStateException("initial delivery did not complete in 60 s");
                        }
                        snapshotBytes = pub.lastMeta().orElseThrow().size();
                        note = commits(app, seen, size.runs(), lags);
                    }
                }
            }
            Collections.sort(lags);
            System.out.printf(Locale.ROOT, "lag %s, snapshot %d bytes: %d commits, p50 %.1f ms%n",
                    trigger ? "trigger" : "poll", snapshotBytes, lags.size(), lags.isEmpty() ? Double.NaN
                            : lags.get(lags.size() / 2));
            if (lags.isEmpty()) {
                return new Series(Double.NaN, Double.NaN, Double.NaN, 0, note);
            }
            double p50 = lags.get((lags.size() - 1) / 2);
            double p99 = lags.get((int) Math.ceil(lags.size() * 0.99) - 1);
            String n = String.format(Locale.ROOT, "%d commits, snapshot %.2f MB", lags.size(), snapshotBytes / 1e6);
            return new Series(p50, p99, lags.get(lags.size() - 1), lags.size(), note.isEmpty() ? n : n + ", " + note);
        } finally {
            BenchHarness.deleteTree(dir);
        }
    }

    /**
     * The swaps seen by the front office: when (taken first thing in {@code onSwap}) the highest
     * tick became visible. The measuring thread sleeps on this monitor instead of polling, so it
     * takes no CPU from the replication it measures.
     */
    private static final class Swaps {
        private long tick = -1;
        private long at;

        synchronized void swapped(long nanos, long maxTick) {
            if (maxTick > tick) {
                tick = maxTick;
                at = nanos;
            }
            notifyAll();
        }

        /** @return when tick {@code i} became visible, or -1 if not by {@code deadline} */
        synchronized long awaitTick(long i, long deadline) throws InterruptedException {
            while (tick < i) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return -1;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return at;
        }
    }

    /** Commits ticks one by one and records each one's lag; returns why it stopped early, or "". */
    private static String commits(Connection app, Swaps seen, int commits, List<Double> lags) throws Exception {
        try (PreparedStatement tick = app.prepareStatement("INSERT INTO ticks(id, at) VALUES (?, ?)")) {
            for (int i = 1; i <= commits; i++) {
                long t0 = System.nanoTime();
                tick.setLong(1, i);
                tick.setLong(2, System.currentTimeMillis());
                tick.executeUpdate();
                long swappedAt = seen.awaitTick(i, t0 + PER_COMMIT.toNanos());
                if (swappedAt < 0) {
                    return "commit " + i + " not seen within " + PER_COMMIT.toSeconds() + " s";
                }
                lags.add((swappedAt - t0) / 1e6);
                Thread.sleep(GAP_MILLIS);
            }
        }
        return "";
    }

    private static long maxTick(Subscriber sub) {
        try (Connection c = sub.db().orElseThrow().getConnection(); Statement q = c.createStatement();
             ResultSet rs = q.executeQuery("SELECT COALESCE(MAX(id), 0) FROM ticks")) {
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
