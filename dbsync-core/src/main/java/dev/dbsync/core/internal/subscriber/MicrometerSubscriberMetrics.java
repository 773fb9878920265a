package dev.dbsync.core.internal.subscriber;

import dev.dbsync.core.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Subscriber meters on a Micrometer registry: {@code dbsync.subscriber.swaps},
 * {@code dbsync.subscriber.rejects} (tag {@code reason}), {@code dbsync.subscriber.received}
 * (bytes), timers {@code dbsync.subscriber.receive} and {@code dbsync.subscriber.verify}, gauges
 * {@code dbsync.subscriber.version} and {@code dbsync.subscriber.staleness} (seconds, -1 before
 * any swap). Loaded only when a registry is given. The gauges hold their suppliers strongly
 * (Micrometer's default weak reference would let a lambda be collected and the gauge read NaN).
 */
final class MicrometerSubscriberMetrics implements SubscriberMetrics {
    private final Counter swaps;
    private final Map<RejectReason, Counter> rejects = new EnumMap<>(RejectReason.class);
    private final Counter received;
    private final Timer receive;
    private final Timer verify;

    private MicrometerSubscriberMetrics(MeterRegistry r, LongSupplier version, LongSupplier staleness) {
        swaps = Counter.builder("dbsync.subscriber.swaps").description("snapshots swapped in").register(r);
        for (RejectReason reason : RejectReason.values()) {
            rejects.put(reason, Counter.builder("dbsync.subscriber.rejects").tag("reason", reason.code())
                    .description("snapshots refused, by reason").register(r));
        }
        received = Counter.builder("dbsync.subscriber.received").baseUnit("bytes")
                .description("payload bytes received").register(r);
        receive = Timer.builder("dbsync.subscriber.receive").description("time to receive a payload").register(r);
        verify = Timer.builder("dbsync.subscriber.verify").description("time to fsync and verify a payload").register(r);
        Gauge.builder("dbsync.subscriber.version", version, s -> s.getAsLong())
                .description("version of the served snapshot").strongReference(true).register(r);
        Gauge.builder("dbsync.subscriber.staleness", staleness, s -> s.getAsLong()).baseUnit("seconds")
                .description("seconds since the last swap, -1 before any").strongReference(true).register(r);
    }

    static SubscriberMetrics create(Object registry, LongSupplier version, LongSupplier staleness) {
        if (!(registry instanceof MeterRegistry r)) {
            throw new IllegalArgumentException("not a Micrometer MeterRegistry: " + registry.getClass().getName());
        }
        return new MicrometerSubscriberMetrics(r, version, staleness);
    }

    @Override
    public void swapped() {
        swaps.increment();
    }

    @Override
    public void rejected(RejectReason reason) {
        rejects.get(reason).increment();
    }

    @Override
    public void received(long bytes) {
        received.increment(bytes);
    }

    @Override
    public void receiveTime(Duration d) {
        receive.record(d);
    }

    @Override
    public void verifyTime(Duration d) {
        verify.record(d);
    }
}
