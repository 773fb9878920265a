package dev.dbsync.transport.kwik.internal;

import tech.kwik.core.QuicClientConnection;

/**
 * Facts about the kwik library this module runs on.
 */
public final class KwikLibrary {
    private KwikLibrary() {
    }

    /** @return the name of kwik's client connection type, proving the library is linked */
    public static String clientConnectionType() {
        return QuicClientConnection.class.getName();
    }
}
