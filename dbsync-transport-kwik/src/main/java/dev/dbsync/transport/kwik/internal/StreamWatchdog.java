package dev.dbsync.transport.kwik.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread ({@code dbsync-kwik-watchdog}) that looks at every stream operation blocked
 * inside kwik, every {@value #PERIOD_MILLIS} ms: it re-triggers stalled senders and enforces
 * read and write timeouts, which kwik does not have. Operations register while they block and
 * unregister when they return, so idle streams cost nothing.
 */
final class StreamWatchdog {
    /** How often blocked operations are inspected. */
    static final long PERIOD_MILLIS = 50;

    /** A blocked operation the watchdog inspects. */
    interface Watched {
        /**
         * Inspects the operation; runs on the watchdog thread and must not block.
         *
         * @param nowNanos the current {@link System#nanoTime()}
         */
        void inspect(long nowNanos);
    }

    private static final Set<Watched> WATCHED = ConcurrentHashMap.newKeySet();
    private static final ScheduledThreadPoolExecutor TIMER = createTimer();

    private StreamWatchdog() {
    }

    private static ScheduledThreadPoolExecutor createTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dbsync-kwik-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(StreamWatchdog::inspectAll, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        return timer;
    }

    private static void inspectAll() {
        long now = System.nanoTime();
        for (Watched w : WATCHED) {
            try {
                w.inspect(now);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(StreamWatchdog.class).warn("stream watchdog check failed", e);
            }
        }
    }

    static void watch(Watched w) {
        WATCHED.add(w);
    }

    static void unwatch(Watched w) {
        WATCHED.remove(w);
    }
}
