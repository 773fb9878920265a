package dev.dbsync.core;

/**
 * What a publisher reports to a metrics system. {@link #NONE} when no registry is configured,
 * so Micrometer stays an optional dependency.
 */
interface PublisherMetrics {
    PublisherMetrics NONE = new PublisherMetrics() {
    };

    /** A snapshot was produced (whether or not it differed from the previous one). */
    default void produced(long nanos, long bytes, boolean newVersion) {
    }

    /** A push to {@code target} ended. */
    default void pushed(String target, long nanos, boolean ok) {
    }

    /** The delivery state of {@code target} changed. */
    default void delivered(String target, long ackedVersion, long versionsBehind, long secondsBehind) {
    }
}
