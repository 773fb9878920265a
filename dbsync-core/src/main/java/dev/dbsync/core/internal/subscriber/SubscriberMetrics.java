package dev.dbsync.core.internal.subscriber;

import dev.dbsync.core.RejectReason;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What the subscriber measures. The no-op implementation is used when the application gives
 * no meter registry, so Micrometer stays an optional dependency.
 */
public interface SubscriberMetrics {
    /** Measures nothing. */
    SubscriberMetrics NOOP = new SubscriberMetrics() {
    };

    /**
     * Chooses the implementation.
     *
     * @param registry a {@code io.micrometer.core.instrument.MeterRegistry}, or null
     * @param servedVersion gives the served version
     * @param stalenessSeconds gives the seconds since the last swap, -1 before any
     * @return the metrics
     */
    static SubscriberMetrics create(Object registry, LongSupplier servedVersion, LongSupplier stalenessSeconds) {
        return registry == null ? NOOP : MicrometerSubscriberMetrics.create(registry, servedVersion, stalenessSeconds);
    }

    /** A snapshot was swapped in. */
    default void swapped() {
    }

    /** @param reason why a snapshot was refused */
    default void rejected(RejectReason reason) {
    }

    /** @param bytes payload bytes received from the network */
    default void received(long bytes) {
    }

    /** @param d time to receive a payload into its temp file */
    default void receiveTime(Duration d) {
    }

    /** @param d time to verify a received file (fsync, hash, quick_check) */
    default void verifyTime(Duration d) {
    }
}
