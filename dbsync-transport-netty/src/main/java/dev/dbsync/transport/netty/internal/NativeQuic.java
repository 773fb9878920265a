package dev.dbsync.transport.netty.internal;

import dev.dbsync.api.TransportException;
import io.netty.handler.codec.quic.Quic;

import java.util.Optional;

/**
 * Whether Netty's native QUIC library loads on this platform, and why not, in words a user can
 * act on.
 */
public final class NativeQuic {
    private static final Optional<Throwable> CAUSE = probe();

    private NativeQuic() {
    }

    /** @return why the native library did not load, empty when it did */
    public static Optional<Throwable> cause() {
        return CAUSE;
    }

    /**
     * @param where the endpoint or address the caller is about to use, for the message
     * @throws TransportException when the native library is not loaded
     */
    public static void ensureAvailable(String where) {
        CAUSE.ifPresent(c -> {
            throw new TransportException(where, c.getMessage(), c);
        });
    }

    private static Optional<Throwable> probe() {
        try {
            if (Quic.isAvailable()) {
                return Optional.empty();
            }
            return Optional.of(explain(Quic.unavailabilityCause()));
        } catch (LinkageError e) {
            return Optional.of(explain(e));
        }
    }

    private static Throwable explain(Throwable cause) {
        String platform = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        return new IllegalStateException("Netty's native QUIC library did not load on " + platform + " ("
                + cause + "). Put io.netty:netty-codec-native-quic with this platform's classifier (e.g. "
                + "linux-x86_64) on the path; on the module path also start the JVM with "
                + "--add-modules io.netty.codec.quic.linux.x86_64 (the platform's native module), "
                + "because no module requires it", cause);
    }
}
