package dev.dbsync.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publisher meters in a Micrometer registry, all prefixed {@code dbsync.publisher}. Loaded only
 * when a registry is configured.
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
