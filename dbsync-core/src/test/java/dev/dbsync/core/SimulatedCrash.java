package dev.dbsync.core;

import dev.dbsync.core.internal.subscriber.SwapStep;

/** Thrown by a swap hook to stop a swap dead at a step, as a power cut would (no cleanup runs). */
final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(SwapStep step) {
        super("simulated crash after " + step);
    }
}
