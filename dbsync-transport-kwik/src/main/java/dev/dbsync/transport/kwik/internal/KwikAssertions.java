package dev.dbsync.transport.kwik.internal;

import tech.kwik.core.QuicConnection;

/**
 * Turns Java assertions off for kwik's own classes ({@code tech.kwik.*}), whatever {@code -ea} says.
 *
 * <p>kwik 0.10.8's {@code LossDetector.detectLostPackets} computes its loss delay in whole
 * milliseconds from the RTT and asserts {@code lossDelay > 0}; on loopback the RTT is often
 * measured as 0 ms (fixed upstream after 0.10.8, "fixed loss detection on fast machines": the delay
 * is now at least kGranularity). With assertions enabled (as test runners do by default) the
 * {@link AssertionError} is thrown on kwik's receiver thread, which catches only
 * {@link RuntimeException}s: the thread dies and the connection silently stops processing packets,
 * so a dial times out or an exchange hangs until the idle timeout. With assertions off kwik runs
 * as it does in production (a zero delay only makes it declare packets lost early).
 *
 * <p>Assertion status is fixed when a class is initialised, so this must run before kwik creates
 * its first connection: {@link KwikDialer} and {@link KwikListener} call it when they are loaded.
 */
final class KwikAssertions {
    private static volatile boolean done;

    private KwikAssertions() {
    }

    static void disable() {
        if (!done) {
            ClassLoader loader = QuicConnection.class.getClassLoader();
            if (loader != null) {
                loader.setPackageAssertionStatus("tech.kwik", false);
            }
            done = true;
        }
    }
}
