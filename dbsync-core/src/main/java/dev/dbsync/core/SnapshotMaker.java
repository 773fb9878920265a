package dev.dbsync.core;

import dev.dbsync.api.SnapshotMeta;

import java.nio.file.Path;

/**
 * Produces a filtered snapshot file of the source database. The publisher's default uses
 * dbsync-filter's {@code SnapshotProducer}.
 */
@FunctionalInterface
interface SnapshotMaker {

    /**
     * Writes a complete snapshot to {@code destination} (atomically) and describes it.
     *
     * @param destination where to write
     * @param version the version to give it
     * @return its meta (uncompressed)
     * @throws Exception on any failure; nothing partial may be left at {@code destination}
     */
    SnapshotMeta make(Path destination, long version) throws Exception;
}
