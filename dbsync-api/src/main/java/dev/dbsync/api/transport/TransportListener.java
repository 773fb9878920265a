package dev.dbsync.api.transport;

import java.net.InetSocketAddress;

/**
 * A running listener. Closing it stops accepting, closes its connections, releases the port
 * promptly and is idempotent.
 */
public interface TransportListener extends AutoCloseable {

    /** @return the bound address, with the real port when port 0 was asked for */
    InetSocketAddress localAddress();

    /** @return the bound port */
    default int port() {
        return localAddress().getPort();
    }

    /** Stops the listener; idempotent. */
    @Override
    void close();
}
