package dev.dbsync.core;

import dev.dbsync.watch.DatabaseWatcher;

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

    /**
     * The publisher watches its source with {@code watcher}: its reopens, replacements, whether
     * the source is gone and how old the last change seen is, read when the meters are.
     */
    default void watching(String database, DatabaseWatcher watcher) {
    }

    /** The delivery state of {@code target} changed. */
    default void delivered(String target, long ackedVersion, long versionsBehind, long secondsBehind) {
    }
}
