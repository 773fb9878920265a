package dev.dbsync.connectivity;

import dev.dbsync.api.DbsyncException;
import dev.dbsync.api.Target;
import dev.dbsync.connectivity.RouteException.Reason;
import dev.dbsync.watch.DatabaseWatcher;
import dev.dbsync.watch.WatchStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Calls services by name, the way the routes table says: {@code local} rows go to a handler
 * registered with {@link #registerLocal}, {@code noop} rows answer an empty response, and any
 * other strategy ({@code dbsync}, {@code quic}, {@code http}, …) goes to the handler that the
 * factory registered for it with {@link #registerTransport} built for the row. A service with
 * no row but a local handler is served locally.
 *
 * <p>Hot reload: the router watches the routes database and rebuilds its table within one
 * watch interval of a committed change. A route whose strategy, endpoint and config did not
 * change keeps its handler; a changed or removed route's handler is closed exactly once, after
 * the last call that started on it has returned (calls in flight finish on the handler they
 * started with). Bad rows are listed in {@link #status()}, logged once, and fail only their
 * own calls.
 *
 * <pre>{@code
 * try (Router router = Router.builder(Path.of("routes.db")).interval(Duration.ofMillis(500)).build()) {
 *     router.registerLocal("search", request -> search(request));
 *     router.registerTransport("dbsync", StatusFactory.of(publisher::status));
 *     router.start();
 *     byte[] health = router.call("dbsync:fo-1", null);
 * }
 * }</pre>
 *
 * <p>Thread-safe: calls, registrations and reloads may run concurrently. The router owns one
 * watcher thread ({@code dbsync-watch-<n>}); close hooks run on the thread that releases the
 * last reference (a returning call, a reload, or {@link #close()}).
 */
public final class Router implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    private static final byte[] EMPTY = new byte[0];

    private final String name;
    private final ConnectionSource connections;
    private final Supplier<DatabaseWatcher.Builder> watchers;
    private final Duration interval;
    private final Duration debounce;
    private final ProblemLog problemLog;

    private final Map<String, ServiceHandler> locals = new ConcurrentHashMap<>();
    private final Map<String, HandlerFactory> factories = new ConcurrentHashMap<>();

    /** Serializes reloads, registrations of factories, start and close. Calls never take it. */
    private final Object lock = new Object();
    // written under lock, read without it: calls and status never wait for a reload (or a slow factory)
    private volatile RoutingTable table = RoutingTable.EMPTY;
    private volatile boolean closed;
    private volatile boolean started;
    private volatile ReloadState reloadState = new ReloadState(0, 0, null, null, null);
    // guarded by lock
    private RouteSet rows = RouteSet.EMPTY;
    // written under lock, read by status() without it
    private volatile DatabaseWatcher watcher;

    /** Counters of the reloads, replaced as a whole. */
    private record ReloadState(long reloads, long failures, Instant lastReloadAt, String lastError, Instant lastErrorAt) {
    }

    private Router(Builder b) {
        this.name = b.name;
        this.connections = b.connections;
        this.watchers = b.watchers;
        this.interval = b.interval;
        this.debounce = b.debounce;
        this.problemLog = new ProblemLog(LOG, b.name);
    }

    /**
     * A builder for a router on a routes database file, read through read-only connections.
     *
     * @param routesDatabase the SQLite file holding the routes table
     * @return the builder
     */
    public static Builder builder(Path routesDatabase) {
        Objects.requireNonNull(routesDatabase, "routesDatabase");
        return new Builder(ConnectionSource.readOnly(routesDatabase), () -> DatabaseWatcher.builder(routesDatabase),
                routesDatabase.toString());
    }

    /**
     * A builder for a router reading the routes table through {@code connections}. The watcher
     * keeps one of these connections open and never writes through it.
     *
     * @param connections opens connections to the routes database
     * @param name names the database in logs and status
     * @return the builder
     */
    public static Builder builder(ConnectionSource connections, String name) {
        Objects.requireNonNull(connections, "connections");
        return new Builder(connections, () -> DatabaseWatcher.builder(connections::open),
                Objects.requireNonNull(name, "name"));
    }

    /**
     * Registers (or replaces) the in-process handler of a service. It serves the rows of
     * strategy {@code local} of that name, and the name when no row lists it. The router never
     * closes it.
     *
     * @param serviceName the service
     * @param handler its handler
     */
    public void registerLocal(String serviceName, ServiceHandler handler) {
        requireName(serviceName, "service name");
        locals.put(serviceName, Objects.requireNonNull(handler, "handler"));
    }

    /**
     * Registers (or replaces) the factory of a strategy. If the router runs, the routes of that
     * strategy get handlers from it at once (replaced handlers close after their last call).
     *
     * @param strategy the strategy, e.g. {@code dbsync} or {@code http}
     * @param factory builds a handler per route of that strategy
     * @throws IllegalArgumentException for {@code local} and {@code noop}, which the router serves itself
     * @throws IllegalStateException if the router is closed
     */
    public void registerTransport(String strategy, HandlerFactory factory) {
        requireName(strategy, "strategy");
        Objects.requireNonNull(factory, "factory");
        if (RoutingTable.LOCAL.equals(strategy) || Target.NOOP.equals(strategy)) {
            throw new IllegalArgumentException("strategy '" + strategy + "' is served by the router itself");
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("router of " + name + " is closed");
            }
            factories.put(strategy, factory);
            if (started) {
                install(rows);
            }
        }
    }

    /**
     * Reads the routes table, then watches it for changes. Idempotent.
     *
     * @throws RouteException with reason {@link Reason#ROUTES_UNREADABLE} if the routes table
     *     cannot be read (the router is then not started), or {@link Reason#CLOSED}
     */
    public void start() {
        synchronized (lock) {
            if (closed) {
                throw new RouteException(Reason.CLOSED, "", null, "router of " + name + " is closed", null);
            }
            if (started) {
                return;
            }
        }
        // the watcher reads its baseline first, so no commit after the initial read is missed;
        // it is started outside the lock, which its rounds take
        AtomicReference<DatabaseWatcher> self = new AtomicReference<>();
        DatabaseWatcher w = watchers.get().name("routes " + name).interval(interval).debounce(debounce)
                .onChange(round -> reloadOnChange(self.get())).build();
        self.set(w);
        w.start();
        RuntimeException failure = null;
        boolean redundant = false;
        synchronized (lock) {
            if (closed) {
                failure = new RouteException(Reason.CLOSED, "", null, "router of " + name + " is closed", null);
            } else if (started) {
                redundant = true; // another thread started it meanwhile
            } else {
                started = true;
                watcher = w;
                try {
                    reloadLocked();
                } catch (RuntimeException e) {
                    started = false;
                    watcher = null;
                    failure = e;
                }
            }
        }
        if (failure != null || redundant) {
            w.close(); // outside the lock: a round of this watcher may be waiting for it
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Reads the routes table now and installs it (the watcher does this on every change).
     *
     * @throws RouteException with reason {@link Reason#ROUTES_UNREADABLE} if the table cannot
     *     be read; the previous routes stay in use
     */
    public void reload() {
        synchronized (lock) {
            if (!closed) {
                reloadLocked();
            }
        }
    }

    /** A round of {@code w}: reloads only while {@code w} is this router's watcher. */
    private void reloadOnChange(DatabaseWatcher w) {
        synchronized (lock) {
            if (!closed && watcher == w) {
                reloadLocked();
            }
        }
    }

    private void reloadLocked() {
        RouteSet read;
        try (Connection c = connections.open()) {
            read = RoutesReader.read(c, RoutesReader.ALL_ROUTES);
        } catch (SQLException e) {
            ReloadState r = reloadState;
            reloadState = new ReloadState(r.reloads(), r.failures() + 1, r.lastReloadAt(), String.valueOf(e.getMessage()),
                    Instant.now());
            throw new RouteException(Reason.ROUTES_UNREADABLE, "", null,
                    "cannot read the routes table in " + name + ": " + e.getMessage(), e);
        }
        rows = read;
        // counted before the table is published: whoever sees the new routes sees this reload
        ReloadState r = reloadState;
        reloadState = new ReloadState(r.reloads() + 1, r.failures(), Instant.now(), null, null);
        install(read);
    }

    /** Builds and publishes the table of {@code set}, then retires what it replaced. Holds lock. */
    private void install(RouteSet set) {
        RoutingTable.Rebuilt rebuilt = RoutingTable.rebuild(set, Map.copyOf(factories), table);
        table = rebuilt.table();
        for (Binding b : rebuilt.retired()) {
            b.retire();
        }
        problemLog.report(rebuilt.table().problems());
    }

    /**
     * Calls a service.
     *
     * @param serviceName the service, e.g. {@code dbsync:fo-1}
     * @param payload the request; null is sent as empty
     * @return the response; empty for a {@code noop} route; never null
     * @throws RouteException with reason {@link Reason#UNKNOWN_SERVICE} (no row, no local
     *     handler), {@link Reason#INVALID_ROUTE} (the row is bad), {@link Reason#UNKNOWN_STRATEGY}
     *     (no factory for the row's strategy, or no local handler for a {@code local} row),
     *     {@link Reason#FACTORY_FAILED}, {@link Reason#HANDLER_FAILED} or {@link Reason#CLOSED}
     * @throws DbsyncException thrown by the handler itself, unchanged
     */
    public byte[] call(String serviceName, byte[] payload) {
        Objects.requireNonNull(serviceName, "serviceName");
        byte[] request = payload == null ? EMPTY : payload;
        for (;;) {
            if (closed) {
                throw new RouteException(Reason.CLOSED, serviceName, null,
                        "cannot call '" + serviceName + "': the router of " + name + " is closed", null);
            }
            RoutingTable t = table;
            RoutingTable.Entry e = t.entry(serviceName);
            if (e == null) {
                return callUnrouted(t, serviceName, request);
            }
            String strategy = e.route().strategy();
            if (Target.NOOP.equals(strategy)) {
                return EMPTY;
            }
            if (RoutingTable.LOCAL.equals(strategy)) {
                ServiceHandler local = locals.get(serviceName);
                if (local == null) {
                    throw new RouteException(Reason.UNKNOWN_STRATEGY, serviceName, strategy, "service '" + serviceName
                            + "' is routed 'local' but no local handler is registered for it", null);
                }
                return invoke(local, serviceName, strategy, request);
            }
            Binding b = e.binding();
            if (b == null) {
                throw new RouteException(e.failureReason(), serviceName, strategy,
                        "service '" + serviceName + "': " + e.failure(), e.cause());
            }
            if (!b.acquire()) {
                continue; // replaced and closed since we read the table: the new table is visible
            }
            try {
                return invoke(b.handler(), serviceName, strategy, request);
            } finally {
                b.release();
            }
        }
    }

    private byte[] callUnrouted(RoutingTable t, String serviceName, byte[] request) {
        RouteProblem problem = t.invalid(serviceName);
        if (problem != null) {
            throw new RouteException(Reason.INVALID_ROUTE, serviceName, null,
                    "service '" + serviceName + "' has an invalid route: " + problem.reason(), null);
        }
        ServiceHandler local = locals.get(serviceName);
        if (local == null) {
            throw new RouteException(Reason.UNKNOWN_SERVICE, serviceName, null, "unknown service '" + serviceName
                    + "': no route in " + name + " and no local handler", null);
        }
        return invoke(local, serviceName, RoutingTable.LOCAL, request);
    }

    private static byte[] invoke(ServiceHandler handler, String serviceName, String strategy, byte[] request) {
        byte[] response;
        try {
            response = handler.handle(request);
        } catch (DbsyncException e) {
            throw e;
        } catch (Exception e) {
            throw new RouteException(Reason.HANDLER_FAILED, serviceName, strategy,
                    "service '" + serviceName + "' (" + strategy + ") failed: " + e, e);
        }
        return response == null ? EMPTY : response;
    }

    /**
     * The router's state as a JSON-ready map (strings, numbers, booleans, lists, maps):
     * {@code source}, {@code started}, {@code closed}, {@code reloads}, {@code reload_failures},
     * {@code last_reload_at} (ISO-8601, after the first reload), {@code last_error} and
     * {@code last_error_at} (while the latest read failed), while watching: {@code source_error}
     * (while the routes file is gone), {@code watch_reopens} and {@code watch_replacements} (see
     * {@link WatchStats}), {@code routes} (each with
     * {@code service_name}, {@code strategy}, {@code endpoint}, {@code updated_at},
     * {@code state} and, for factory strategies, {@code in_flight}), {@code problems} (each with
     * {@code service_name} and {@code reason}), {@code local_handlers} and {@code strategies}.
     *
     * <p>Never waits for a reload in progress.
     *
     * @return a new map, owned by the caller
     */
    public Map<String, Object> status() {
        RoutingTable t = table;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("source", name);
        ReloadState r = reloadState;
        s.put("started", started);
        s.put("closed", closed);
        s.put("reloads", r.reloads());
        s.put("reload_failures", r.failures());
        if (r.lastReloadAt() != null) {
            s.put("last_reload_at", r.lastReloadAt().toString());
        }
        if (r.lastError() != null) {
            s.put("last_error", r.lastError());
            s.put("last_error_at", r.lastErrorAt().toString());
        }
        DatabaseWatcher w = watcher;
        if (w != null) {
            WatchStats ws = w.stats();
            ws.sourceError().ifPresent(e -> s.put("source_error", e));
            s.put("watch_reopens", ws.reopens());
            s.put("watch_replacements", ws.replacements());
        }
        s.put("routes", t.routeStatus(locals::containsKey));
        s.put("problems", t.problemStatus());
        s.put("local_handlers", List.copyOf(new TreeSet<>(locals.keySet())));
        s.put("strategies", List.copyOf(new TreeSet<>(factories.keySet())));
        return s;
    }

    /**
     * @return the time of the latest successful reload, if any
     */
    public Optional<Instant> lastReloadAt() {
        return Optional.ofNullable(reloadState.lastReloadAt());
    }

    /**
     * Stops watching, then closes every handler the factories built, each after its last call
     * returns. Calls made afterwards fail with {@link Reason#CLOSED}. Idempotent.
     */
    @Override
    public void close() {
        DatabaseWatcher w;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            w = watcher;
            watcher = null;
        }
        if (w != null) {
            w.close(); // outside the lock: a round in progress takes it
        }
        RoutingTable last;
        synchronized (lock) {
            last = table;
            table = RoutingTable.EMPTY;
        }
        for (Binding b : last.bindings()) {
            b.retire();
        }
    }

    private static void requireName(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " is blank");
        }
    }

    /** Builds a {@link Router}; not thread-safe. */
    public static final class Builder {
        private final ConnectionSource connections;
        private final Supplier<DatabaseWatcher.Builder> watchers;
        private final String name;
        private Duration interval = DatabaseWatcher.DEFAULT_INTERVAL;
        private Duration debounce = DatabaseWatcher.DEFAULT_DEBOUNCE;

        private Builder(ConnectionSource connections, Supplier<DatabaseWatcher.Builder> watchers, String name) {
            this.connections = connections;
            this.watchers = watchers;
            this.name = name;
        }

        /**
         * @param d how often the routes table is checked for changes (default 200 ms)
         * @return this builder
         */
        public Builder interval(Duration d) {
            this.interval = Objects.requireNonNull(d, "interval");
            return this;
        }

        /**
         * @param d minimum time between two reloads, coalescing bursts of edits (default 200 ms;
         *     zero allowed)
         * @return this builder
         */
        public Builder debounce(Duration d) {
            this.debounce = Objects.requireNonNull(d, "debounce");
            return this;
        }

        /**
         * @return the router, not yet started: register handlers and factories, then {@link Router#start()}
         * @throws IllegalArgumentException if the interval is not positive or the debounce negative
         */
        public Router build() {
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("watch interval must be positive, got " + interval);
            }
            if (debounce.isNegative()) {
                throw new IllegalArgumentException("debounce must not be negative, got " + debounce);
            }
            return new Router(this);
        }
    }
}
