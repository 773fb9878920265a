package dev.dbsync.it.adversarial;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waiting. */
final class Poll {
    private Poll() {
    }

    /** Polls every 20 ms until the condition holds or the timeout passes; returns the last result. */
    static boolean until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
