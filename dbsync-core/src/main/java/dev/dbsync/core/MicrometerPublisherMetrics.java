package dev.dbsync.core;

import dev.dbsync.watch.DatabaseWatcher;
import dev.dbsync.watch.WatchStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publisher meters in a Micrometer registry, prefixed {@code dbsync.publisher}, and those of its
 * source's watcher, prefixed {@code dbsync.watch} and tagged with the source file's name
 * ({@code dbsync_watch_reopens_total}, {@code dbsync_watch_replacements_total},
 * {@code dbsync_watch_source_missing}, {@code dbsync_watch_last_change_age_seconds} in
 * Prometheus). Loaded only when a registry is configured.
 */
final class MicrometerPublisherMetrics implements PublisherMetrics {
    private final MeterRegistry registry;
    private final Counter produced;
    private final Counter newVersions;
    private final Timer produceTime;
    private final AtomicLong snapshotBytes = new AtomicLong();
    private final Map<String, AtomicLong[]> targets = new ConcurrentHashMap<>();

    MicrometerPublisherMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.produced = Counter.builder("dbsync.publisher.snapshots.produced").register(registry);
        this.newVersions = Counter.builder("dbsync.publisher.snapshots.published")
                .description("snapshots that differed from the previous one").register(registry);
        this.produceTime = Timer.builder("dbsync.publisher.produce.duration").register(registry);
        Gauge.builder("dbsync.publisher.snapshot.bytes", snapshotBytes, AtomicLong::get).baseUnit("bytes")
                .register(registry);
    }

    @Override
    public void produced(long nanos, long bytes, boolean newVersion) {
        produced.increment();
        if (newVersion) {
            newVersions.increment();
        }
        produceTime.record(nanos, TimeUnit.NANOSECONDS);
        snapshotBytes.set(bytes);
    }

    @Override
    public void watching(String database, DatabaseWatcher watcher) {
        // the registry holds the watcher weakly: the publisher owns it
        FunctionCounter.builder("dbsync.watch.reopens", watcher, w -> w.stats().reopens())
                .description("connections reopened because the source moved while the connection saw no commit")
                .tag("database", database).register(registry);
        FunctionCounter.builder("dbsync.watch.replacements", watcher, w -> w.stats().replacements())
                .description("times the file at the source path was replaced, or came back after it was gone")
                .tag("database", database).register(registry);
        Gauge.builder("dbsync.watch.source.missing", watcher, w -> w.stats().sourceError().isPresent() ? 1 : 0)
                .description("1 while the source file is gone").tag("database", database).register(registry);
        Gauge.builder("dbsync.watch.last.change.age", watcher, MicrometerPublisherMetrics::lastChangeAgeSeconds)
                .description("seconds since the watcher last saw a change of the source, -1 before the first")
                .baseUnit("seconds").tag("database", database).register(registry);
    }

    private static double lastChangeAgeSeconds(DatabaseWatcher w) {
        WatchStats s = w.stats();
        return s.sinceLastChange().map(d -> d.toMillis() / 1000.0).orElse(-1.0);
    }

    @Override
    public void pushed(String target, long nanos, boolean ok) {
        Timer.builder("dbsync.publisher.push.duration").tag("target", target).tag("outcome", ok ? "ok" : "failed")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        if (!ok) {
            Counter.builder("dbsync.publisher.push.failures").tag("target", target).register(registry).increment();
        }
    }

    @Override
    public void delivered(String target, long ackedVersion, long versionsBehind, long secondsBehind) {
        AtomicLong[] g = targets.computeIfAbsent(target, t -> {
            AtomicLong[] values = {new AtomicLong(-1), new AtomicLong(), new AtomicLong()};
            Gauge.builder("dbsync.publisher.target.acked.version", values[0], AtomicLong::get).tag("target", t)
                    .register(registry);
            Gauge.builder("dbsync.publisher.target.lag.versions", values[1], AtomicLong::get).tag("target", t)
                    .register(registry);
            Gauge.builder("dbsync.publisher.target.lag.seconds", values[2], AtomicLong::get).tag("target", t)
                    .baseUnit("seconds").register(registry);
            return values;
        });
        g[0].set(ackedVersion);
        g[1].set(versionsBehind);
        g[2].set(secondsBehind);
    }
}
