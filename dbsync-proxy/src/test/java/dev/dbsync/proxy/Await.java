package dev.dbsync.proxy;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for tests. */
final class Await {
    private Await() {
    }

    /** Polls every 10 ms until the condition holds; fails after {@code max}. */
    static void until(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + max + ": " + what);
            }
            Thread.sleep(10);
        }
    }
}
