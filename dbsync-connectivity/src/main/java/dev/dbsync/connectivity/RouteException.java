package dev.dbsync.connectivity;

import dev.dbsync.api.DbsyncException;

import java.util.Objects;
import java.util.Optional;

/**
 * A call through the {@link Router}, or a read of the routes table, failed. The
 * {@link #reason()} tells what the caller can do; the service and strategy concerned are
 * available as data.
 */
public class RouteException extends DbsyncException {
    private static final long serialVersionUID = 1L;

    /** Why a route could not serve a call. */
    public enum Reason {
        /** No row names the service and no local handler is registered for it. */
        UNKNOWN_SERVICE,
        /** The row's strategy has no registered factory (or {@code local} has no local handler). */
        UNKNOWN_STRATEGY,
        /** The row is invalid (missing or unparsable endpoint, config not a JSON object). */
        INVALID_ROUTE,
        /** The factory of the row's strategy failed to build a handler for it. */
        FACTORY_FAILED,
        /** The handler threw while serving the call. */
        HANDLER_FAILED,
        /** The routes table cannot be read. */
        ROUTES_UNREADABLE,
        /** The router is closed. */
        CLOSED
    }

    private final Reason reason;
    private final String serviceName;
    private final String strategy;

    /**
     * Creates a route failure.
     *
     * @param reason why it failed
     * @param serviceName the service concerned, or empty
     * @param strategy the strategy concerned, or null when none applies
     * @param message what went wrong, naming the service
     * @param cause the underlying failure, or null
     */
    public RouteException(Reason reason, String serviceName, String strategy, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
        this.strategy = strategy;
    }

    /** @return why the call failed */
    public Reason reason() {
        return reason;
    }

    /** @return the service concerned; empty when the failure is not about one service */
    public String serviceName() {
        return serviceName;
    }

    /** @return the strategy concerned, when one applies */
    public Optional<String> strategy() {
        return Optional.ofNullable(strategy);
    }
}
