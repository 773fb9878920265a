package dev.dbsync.connectivity;

import dev.dbsync.api.Target;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.connectivity.internal.ProblemLog;
import dev.dbsync.connectivity.internal.RouteSet;
import dev.dbsync.connectivity.internal.RoutesReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * The front offices listed in a routes table: the rows with
 * {@code strategy IN ('dbsync','noop') AND service_name LIKE 'dbsync:%'}, named by their
 * {@code service_name}, with their endpoint (empty when the row has none). A {@code noop} row
 * is a paused target and needs no endpoint.
 *
 * <p>Every call reads the table again, so a publisher asking before each push round sees rows
 * added, removed, paused or resumed without a restart. A bad row (a {@code dbsync} row without
 * an endpoint or with one that is not {@code host:port}, a {@code config} that is not a JSON
 * object) is left out, listed by {@link #problems()} and logged once at WARN; the other rows
 * are served as usual.
 *
 * <pre>{@code
 * TargetProvider targets = RoutesTargetProvider.open(Path.of("routes.db"));
 * List<Target> now = targets.targets();
 * }</pre>
 *
 * <p>Thread-safe; holds no connection between calls.
 */
public final class RoutesTargetProvider implements TargetProvider {
    private static final Logger LOG = LoggerFactory.getLogger(RoutesTargetProvider.class);

    private final ConnectionSource connections;
    private final String name;
    private final ProblemLog problemLog;

    /**
     * A provider reading through {@code connections}.
     *
     * @param connections opens connections to the routes database
     * @param name names the database in logs and errors
     */
    public RoutesTargetProvider(ConnectionSource connections, String name) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.name = Objects.requireNonNull(name, "name");
        this.problemLog = new ProblemLog(LOG, name);
    }

    /**
     * A provider reading the file {@code database} through read-only connections. The file is
     * not opened here: a missing file or table fails {@link #targets()}.
     *
     * @param database the routes database
     * @return the provider
     */
    public static RoutesTargetProvider open(Path database) {
        return new RoutesTargetProvider(ConnectionSource.readOnly(database), database.toString());
    }

    /**
     * Reads the table.
     *
     * @return the active ({@code dbsync}) and paused ({@code noop}) front offices, by name
     * @throws RouteException with reason {@link RouteException.Reason#ROUTES_UNREADABLE} if the
     *     table cannot be read (a publisher then keeps its previous targets)
     */
    @Override
    public List<Target> targets() {
        return read().routes().stream()
                .map(r -> new Target(r.serviceName(), r.strategy(), r.endpoint()))
                .toList();
    }

    /**
     * Reads the table.
     *
     * @return the rows left out of {@link #targets()} and why, in {@code service_name} order
     * @throws RouteException with reason {@link RouteException.Reason#ROUTES_UNREADABLE} if the
     *     table cannot be read
     */
    public List<RouteProblem> problems() {
        return read().problems();
    }

    private RouteSet read() {
        RouteSet set;
        try (Connection c = connections.open()) {
            set = RoutesReader.read(c, RoutesReader.DBSYNC_TARGETS);
        } catch (SQLException e) {
            throw new RouteException(RouteException.Reason.ROUTES_UNREADABLE, "", null,
                    "cannot read the routes table in " + name + ": " + e.getMessage(), e);
        }
        problemLog.report(set.problems());
        return set;
    }

    /** @return a description naming the routes database */
    @Override
    public String toString() {
        return "RoutesTargetProvider[" + name + "]";
    }
}
