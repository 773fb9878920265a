package dev.dbsync.transport.netty.internal;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories of this transport: event loops {@code dbsync-netty-io-<pool>-<n>}, stream
 * handlers {@code dbsync-netty-<n>}; all daemon threads.
 */
final class DbsyncThreads {
    private static final AtomicInteger HANDLERS = new AtomicInteger();

    private DbsyncThreads() {
    }

    /** @return a factory of event-loop threads */
    static ThreadFactory eventLoops() {
        return new DefaultThreadFactory("dbsync-netty-io", true);
    }

    /** @return a factory of threads that run stream handlers and may block */
    static ThreadFactory handlers() {
        return r -> {
            Thread t = new Thread(r, "dbsync-netty-" + HANDLERS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
