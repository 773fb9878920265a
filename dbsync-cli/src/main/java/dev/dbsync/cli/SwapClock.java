package dev.dbsync.cli;

import java.time.Duration;

/** Records when the demo's front office swapped to each version (from its onSwap callback). */
final class SwapClock {
    private long version;
    private long at;

    synchronized void swapped(long newVersion) {
        version = newVersion;
        at = System.nanoTime();
        notifyAll();
    }

    /** @return the {@link System#nanoTime()} of the last swap */
    synchronized long lastAt() {
        return at;
    }

    /** @return the first served version above {@code previous}, or -1 on timeout */
    synchronized long awaitVersionAbove(long previous, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (version <= previous) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return -1;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return version;
    }
}
