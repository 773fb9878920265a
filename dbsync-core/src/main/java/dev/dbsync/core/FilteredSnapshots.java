package dev.dbsync.core;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.filter.FilterValidator;
import dev.dbsync.filter.SnapshotProducer;

import java.nio.file.Path;
import java.time.Clock;

/**
 * The publisher's default {@link SnapshotMaker}: dbsync-filter's producer, which never copies
 * unpublished data and writes its output atomically.
 */
final class FilteredSnapshots {
    private FilteredSnapshots() {
    }

    static SnapshotMaker maker(Path source, FilterSpec spec, Clock clock) {
        FilterValidator.validate(spec);
        // not durable: the publisher flushes the file while the pushes run (Publisher#produce)
        SnapshotProducer producer = SnapshotProducer.builder(source).clock(clock).durable(false).build();
        return (destination, version) -> producer.produce(destination, spec, version).meta();
    }
}
