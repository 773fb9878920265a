package dev.dbsync.connectivity.internal;

import dev.dbsync.connectivity.HandlerFactory;
import dev.dbsync.connectivity.Route;
import dev.dbsync.connectivity.ServiceHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A handler built by a factory for a route, with a reference count: one reference for the
 * routing table that lists it, one per call running on it. When the table drops it
 * ({@link #retire()}) and the last call returns, the handler is closed, exactly once.
 * Thread-safe.
 */
public final class Binding {
    private static final Logger LOG = LoggerFactory.getLogger(Binding.class);

    private final Route route;
    private final HandlerFactory factory;
    private final ServiceHandler handler;
    /** 1 for the table (until retired) + calls in flight; 0 = closed, never acquired again. */
    private final AtomicInteger references = new AtomicInteger(1);
    private final AtomicBoolean retired = new AtomicBoolean();

    Binding(Route route, HandlerFactory factory, ServiceHandler handler) {
        this.route = route;
        this.factory = factory;
        this.handler = handler;
    }

    /** @return the route the handler was built for */
    public Route route() {
        return route;
    }

    /** @return the factory that built it */
    HandlerFactory factory() {
        return factory;
    }

    /** @return the handler; use only between a successful {@link #acquire()} and {@link #release()} */
    public ServiceHandler handler() {
        return handler;
    }

    /**
     * Takes a reference for one call.
     *
     * @return false if the binding is already closed (its table was replaced): look again
     */
    public boolean acquire() {
        for (;;) {
            int n = references.get();
            if (n == 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Returns a reference taken by {@link #acquire()}; the last one closes the handler. */
    public void release() {
        int n = references.decrementAndGet();
        if (n == 0) {
            closeHandler();
        } else if (n < 0) {
            throw new IllegalStateException("binding of " + route.serviceName() + " released more than acquired");
        }
    }

    /** Drops the table's reference: the handler closes when no call runs on it. Idempotent. */
    public void retire() {
        if (retired.compareAndSet(false, true)) {
            release();
        }
    }

    /** @return the number of calls running on the handler now */
    public int inFlight() {
        return Math.max(0, references.get() - (retired.get() ? 0 : 1));
    }

    private void closeHandler() {
        try {
            handler.close();
            LOG.debug("closed the handler of {} ({} {})", route.serviceName(), route.strategy(), route.endpoint());
        } catch (RuntimeException e) {
            LOG.warn("closing the handler of {} ({} {}) failed: {}", route.serviceName(), route.strategy(),
                    route.endpoint(), e.toString());
        }
    }
}
