package dev.dbsync.transport.kwik.internal;

import java.io.IOException;

/**
 * What a stream's reads and writes fail with once its connection has ended: the reason, and a
 * {@link dev.dbsync.api.TransportException} when the peer refused this side's certificate, as
 * the {@link dev.dbsync.api.transport.TransportStream} contract asks.
 */
interface ConnectionEnd {
    /** For streams whose connection reports nothing (accepted streams): never throws. */
    ConnectionEnd NONE = (what, cause) -> { };

    /**
     * Throws if the connection has ended; returns if it is up.
     *
     * @param what the operation, e.g. "read"
     * @param cause kwik's failure of the operation, or null
     * @throws IOException saying why the connection ended
     */
    void throwIfEnded(String what, IOException cause) throws IOException;
}
