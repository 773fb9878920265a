package dev.dbsync.connectivity.internal;

import dev.dbsync.api.Target;
import dev.dbsync.connectivity.HandlerFactory;
import dev.dbsync.connectivity.Route;
import dev.dbsync.connectivity.RouteException.Reason;
import dev.dbsync.connectivity.RouteProblem;
import dev.dbsync.connectivity.ServiceHandler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An immutable view of the routes at one reload: for each valid row its entry (a binding for
 * factory strategies, or why it has none), and the problems of the invalid rows. Built from
 * the previous table so that a route whose strategy, endpoint, config and factory did not
 * change keeps its handler.
 */
public final class RoutingTable {
    /** The table before the first reload. */
    public static final RoutingTable EMPTY = new RoutingTable(Map.of(), Map.of());

    /** Strategy served without a factory: a handler registered with registerLocal. */
    public static final String LOCAL = "local";

    /**
     * One valid row.
     *
     * @param route the row
     * @param binding the handler built for it, for a factory strategy that succeeded; else null
     * @param failure why a factory strategy has no handler; else null
     * @param failureReason {@link Reason#UNKNOWN_STRATEGY} or {@link Reason#FACTORY_FAILED}; else null
     * @param cause the factory's exception, or null
     */
    public record Entry(Route route, Binding binding, String failure, Reason failureReason, Throwable cause) {
    }

    /**
     * The outcome of a rebuild.
     *
     * @param table the new table
     * @param retired the bindings of the previous table the new one no longer uses; retire
     *     them once the new table is visible
     */
    public record Rebuilt(RoutingTable table, List<Binding> retired) {
    }

    private final Map<String, Entry> entries;
    private final Map<String, RouteProblem> invalid;

    private RoutingTable(Map<String, Entry> entries, Map<String, RouteProblem> invalid) {
        this.entries = entries;
        this.invalid = invalid;
    }

    /**
     * Builds the table of {@code rows}, reusing the previous table's bindings where nothing
     * changed and asking the factories for the others. A factory that throws or returns null
     * gives an entry with a failure; it never stops the other rows.
     *
     * @param rows the latest read of the routes table
     * @param factories the factories by strategy
     * @param previous the table in use
     * @return the new table and the bindings to retire
     */
    public static Rebuilt rebuild(RouteSet rows, Map<String, HandlerFactory> factories, RoutingTable previous) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        Set<Binding> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Route route : rows.routes()) {
            String strategy = route.strategy();
            if (Target.NOOP.equals(strategy) || LOCAL.equals(strategy)) {
                entries.put(route.serviceName(), new Entry(route, null, null, null, null));
                continue;
            }
            HandlerFactory factory = factories.get(strategy);
            if (factory == null) {
                entries.put(route.serviceName(), new Entry(route, null,
                        "no transport factory is registered for strategy '" + strategy + "'", Reason.UNKNOWN_STRATEGY, null));
                continue;
            }
            Entry old = previous.entries.get(route.serviceName());
            if (old != null && old.binding() != null && old.binding().factory() == factory
                    && old.route().sameBinding(route)) {
                entries.put(route.serviceName(), new Entry(route, old.binding(), null, null, null));
                kept.add(old.binding());
                continue;
            }
            entries.put(route.serviceName(), build(route, factory));
        }
        Map<String, RouteProblem> invalid = new LinkedHashMap<>();
        for (RouteProblem p : rows.problems()) {
            invalid.putIfAbsent(p.serviceName(), p);
        }
        List<Binding> retired = new ArrayList<>();
        for (Entry e : previous.entries.values()) {
            if (e.binding() != null && !kept.contains(e.binding())) {
                retired.add(e.binding());
            }
        }
        return new Rebuilt(new RoutingTable(Map.copyOf(entries), Map.copyOf(invalid)), retired);
    }

    private static Entry build(Route route, HandlerFactory factory) {
        try {
            ServiceHandler handler = factory.create(route);
            if (handler == null) {
                return new Entry(route, null, "the factory of strategy '" + route.strategy() + "' returned no handler",
                        Reason.FACTORY_FAILED, null);
            }
            return new Entry(route, new Binding(route, factory, handler), null, null, null);
        } catch (Exception | LinkageError e) {
            return new Entry(route, null, "the factory of strategy '" + route.strategy() + "' failed for endpoint '"
                    + route.endpoint() + "': " + e, Reason.FACTORY_FAILED, e);
        }
    }

    /**
     * @param serviceName the service
     * @return the entry of its valid row, or null
     */
    public Entry entry(String serviceName) {
        return entries.get(serviceName);
    }

    /**
     * @param serviceName the service
     * @return the problem of its invalid row, or null
     */
    public RouteProblem invalid(String serviceName) {
        return invalid.get(serviceName);
    }

    /** @return the entries of the valid rows */
    public Collection<Entry> entries() {
        return entries.values();
    }

    /** @return every problem: invalid rows, then rows whose strategy has no handler */
    public List<RouteProblem> problems() {
        List<RouteProblem> all = new ArrayList<>(invalid.values());
        for (Entry e : entries.values()) {
            if (e.failure() != null) {
                all.add(new RouteProblem(e.route().serviceName(), e.failure()));
            }
        }
        all.sort((a, b) -> a.serviceName().compareTo(b.serviceName()));
        return all;
    }

    /**
     * @param hasLocalHandler tells whether a service has a local handler now
     * @return one JSON-ready map per valid row, by service name: {@code service_name},
     *     {@code strategy}, {@code endpoint}, {@code updated_at}, {@code state} ({@code ready},
     *     {@code paused}, {@code no_local_handler}, {@code no_factory}, {@code factory_failed})
     *     and, for a built handler, {@code in_flight}
     */
    public List<Map<String, Object>> routeStatus(Predicate<String> hasLocalHandler) {
        List<Map<String, Object>> routes = new ArrayList<>();
        entries.values().stream().sorted(Comparator.comparing(e -> e.route().serviceName())).forEach(e -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("service_name", e.route().serviceName());
            r.put("strategy", e.route().strategy());
            r.put("endpoint", e.route().endpoint());
            r.put("updated_at", e.route().updatedAt());
            r.put("state", state(e, hasLocalHandler));
            if (e.binding() != null) {
                r.put("in_flight", e.binding().inFlight());
            }
            routes.add(r);
        });
        return routes;
    }

    /** @return one JSON-ready map per problem: {@code service_name} and {@code reason} */
    public List<Map<String, Object>> problemStatus() {
        List<Map<String, Object>> problems = new ArrayList<>();
        for (RouteProblem p : problems()) {
            problems.add(Map.of("service_name", p.serviceName(), "reason", p.reason()));
        }
        return problems;
    }

    private static String state(Entry e, Predicate<String> hasLocalHandler) {
        String strategy = e.route().strategy();
        if (Target.NOOP.equals(strategy)) {
            return "paused";
        }
        if (LOCAL.equals(strategy)) {
            return hasLocalHandler.test(e.route().serviceName()) ? "ready" : "no_local_handler";
        }
        if (e.binding() != null) {
            return "ready";
        }
        return e.failureReason() == Reason.UNKNOWN_STRATEGY ? "no_factory" : "factory_failed";
    }

    /** @return every binding of this table */
    public List<Binding> bindings() {
        List<Binding> all = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.binding() != null) {
                all.add(e.binding());
            }
        }
        return all;
    }
}
