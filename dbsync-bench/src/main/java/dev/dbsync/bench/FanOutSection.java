package dev.dbsync.bench;

import dev.dbsync.core.Publisher;
import dev.dbsync.core.Subscriber;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Section 4: one publisher to N subscribers (all in this JVM, each with its own netty QUIC
 * listener on loopback): wall time from the publisher's start until every subscriber acknowledged
 * the snapshot, relative to N = 1.
 */
final class FanOutSection {
    static final String KEY = "fanout";

    private FanOutSection() {
    }

    /** The seconds of one fan-out: total, and after the snapshot was produced. */
    private record Outcome(double wall, double delivery, String note) {
    }

    static void run(BenchProfile profile, Path work, BenchReport report) throws Exception {
        report.section(KEY, "4. Fan-out",
                String.format(Locale.ROOT, "One publisher, N subscribers in the same JVM, netty QUIC on loopback;"
                        + " a %s snapshot (one table of random 4000-byte blobs, published whole).",
                        LagSection.mib(profile.fanOutBytes())),
                "Wall time from `Publisher.start()` (which produces the snapshot) until `awaitDelivery` sees every"
                        + " subscriber acknowledge it; one run per N, after one untimed N = 1 warm-up. Seconds, lower is better. Publisher defaults"
                        + " (at most 16 pushes in parallel).",
                "Baseline: N = 1 in the same run. Ratio below N means the pushes overlap.");
        Path dir = work.resolve("fanout");
        Files.createDirectories(dir);
        Path source = dir.resolve("bo.db");
        SourceDatabase.generatePublishedBlobs(source, profile.fanOutBytes());
        LoopbackReplication rig = LoopbackReplication.create(dir.resolve("pki"), "netty");
        // untimed warm-up, so that N = 1 does not pay for class loading and JIT alone
        BoundedRun.within(Duration.ofSeconds(60 + profile.fanOutBytes() / 5_000_000L), "fanout-warm-up",
                () -> measure(rig, source, dir.resolve("warm-up"), 1));
        BenchHarness.deleteTree(dir.resolve("warm-up"));
        Outcome base = null;
        for (int n : profile.fanOutSubscribers()) {
            Duration bound = Duration.ofSeconds(60 + n * profile.fanOutBytes() / 5_000_000L);
            Outcome o;
            try {
                o = BoundedRun.within(bound, "fanout", () -> measure(rig, source, dir.resolve("n" + n), n));
            } catch (TimeoutException e) {
                o = new Outcome(Double.NaN, Double.NaN, "not all acknowledged within " + bound.toSeconds() + " s");
            } catch (Exception e) {
                o = new Outcome(Double.NaN, Double.NaN, "failed: " + e);
            }
            if (base == null) {
                base = o;
            }
            report.add(new Figure(KEY, "N = " + n, "s", o.wall(), "N = 1", base.wall(), o.note()));
            BenchHarness.deleteTree(dir.resolve("n" + n));
        }
        BenchHarness.deleteTree(dir);
    }

    private static Outcome measure(LoopbackReplication rig, Path source, Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        List<Subscriber> subs = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Subscriber s = rig.subscriber(dir.resolve("fo-" + i + ".db"));
                subs.add(s);
                ports.add(s.localAddress().getPort());
            }
            try (Publisher pub = rig.publisher(source, SourceDatabase.BLOBS_SPEC, dir.resolve("public.db"), ports)) {
                long t0 = System.nanoTime();
                pub.start();
                while (pub.lastMeta().isEmpty()) {
                    Thread.sleep(5);
                }
                long produced = System.nanoTime();
                while (!pub.awaitDelivery(Duration.ofSeconds(1))) {
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
                long done = System.nanoTime();
                long size = pub.lastMeta().orElseThrow().size();
                double delivery = (done - produced) / 1e9;
                String note = String.format(Locale.ROOT, "snapshot %.1f MB produced in %.2f s; delivery %.2f s,"
                        + " %.0f MB/s in total", size / 1e6, (produced - t0) / 1e9, delivery, n * size / 1e6 / delivery);
                System.out.println("fan-out N = " + n + ": " + note);
                return new Outcome((done - t0) / 1e9, delivery, note);
            }
        } finally {
            for (Subscriber s : subs) {
                s.close();
            }
        }
    }
}
