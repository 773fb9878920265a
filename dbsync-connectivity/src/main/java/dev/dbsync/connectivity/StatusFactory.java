package dev.dbsync.connectivity;

import dev.dbsync.connectivity.internal.JsonDocuments;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Factories whose handlers report health instead of moving data: a call returns a status map
 * as a UTF-8 JSON object with {@code "status":"ok"} added. Registered for the {@code dbsync}
 * strategy, they let {@code router.call("dbsync:fo-1", null)} report sync health, as the
 * original {@code DBSyncFactory}/{@code SubscriberFactory} did.
 *
 * <pre>{@code
 * router.registerTransport("dbsync", StatusFactory.of(publisher::status));
 * router.registerTransport("dbsync", StatusFactory.forRoute(route -> {
 *     Map<String, Object> s = new LinkedHashMap<>(publisher.status());
 *     s.put("endpoint", route.endpoint());
 *     return s;
 * }));
 * }</pre>
 *
 * <p>Map values may be null, strings, numbers, booleans, maps, iterables, arrays, optionals and
 * enums; anything else is written as its {@code toString()}. The request bytes are ignored.
 * If the supplier throws, the call fails with {@link RouteException.Reason#HANDLER_FAILED}.
 */
public final class StatusFactory {
    /** The key added to every status document. */
    public static final String STATUS_KEY = "status";
    /** Its value. */
    public static final String OK = "ok";

    private StatusFactory() {
    }

    /**
     * A factory whose handlers answer {@code status.get()} plus {@code "status":"ok"}.
     *
     * @param status supplies the current status; called on every call, from any thread
     * @return the factory
     */
    public static HandlerFactory of(Supplier<? extends Map<String, ?>> status) {
        Objects.requireNonNull(status, "status");
        return forRoute(route -> status.get());
    }

    /**
     * A factory whose handlers answer {@code status.apply(route)} plus {@code "status":"ok"}.
     *
     * @param status gives the current status of a route (e.g. with its endpoint); called on
     *     every call, from any thread
     * @return the factory
     */
    public static HandlerFactory forRoute(Function<Route, ? extends Map<String, ?>> status) {
        Objects.requireNonNull(status, "status");
        return route -> request -> document(route, status);
    }

    private static byte[] document(Route route, Function<Route, ? extends Map<String, ?>> status) {
        Map<String, ?> current = status.apply(route);
        if (current == null) {
            throw new IllegalStateException("the status supplier of " + route.serviceName() + " returned null");
        }
        Map<String, Object> doc = new LinkedHashMap<>(current);
        doc.put(STATUS_KEY, OK);
        return JsonDocuments.write(doc);
    }
}
