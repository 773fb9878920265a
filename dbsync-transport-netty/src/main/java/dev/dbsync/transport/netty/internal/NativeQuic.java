package dev.dbsync.transport.netty.internal;

import io.netty.handler.codec.quic.Quic;

import java.util.Optional;

/**
 * Whether Netty's native QUIC library loads on this platform, and why not.
 */
public final class NativeQuic {
    private NativeQuic() {
    }

    /** @return true when the native quiche library is loaded */
    public static boolean available() {
        return Quic.isAvailable();
    }

    /** @return why the native library did not load, when it did not */
    public static Optional<Throwable> cause() {
        return Optional.ofNullable(Quic.unavailabilityCause());
    }
}
