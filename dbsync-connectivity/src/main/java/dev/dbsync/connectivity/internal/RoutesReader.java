package dev.dbsync.connectivity.internal;

import dev.dbsync.api.Target;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.connectivity.Route;
import dev.dbsync.connectivity.RouteProblem;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the routes table and sorts its rows into valid routes and per-row problems. A row
 * never makes the whole read fail; only an unreadable table does.
 */
public final class RoutesReader {
    /** Every row. */
    public static final String ALL_ROUTES =
            "SELECT service_name, strategy, endpoint, config, updated_at FROM routes ORDER BY service_name";
    /** The rows that are dbsync front offices, active or paused (the original's query). */
    public static final String DBSYNC_TARGETS =
            "SELECT service_name, strategy, endpoint, config, updated_at FROM routes "
                    + "WHERE strategy IN ('dbsync','noop') AND service_name LIKE 'dbsync:%' ORDER BY service_name";

    private RoutesReader() {
    }

    /**
     * Runs {@code query} and checks each row.
     *
     * @param connection a connection to the routes database
     * @param query {@link #ALL_ROUTES} or {@link #DBSYNC_TARGETS}
     * @return the valid routes and the problems
     * @throws SQLException if the table cannot be read
     */
    public static RouteSet read(Connection connection, String query) throws SQLException {
        List<Route> routes = new ArrayList<>();
        List<RouteProblem> problems = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                String name = rs.getString(1);
                String strategy = rs.getString(2);
                String endpoint = rs.getString(3);
                String config = rs.getString(4);
                long updatedAt = rs.getLong(5);
                Optional<String> problem = problem(name, strategy, endpoint, config);
                if (problem.isPresent()) {
                    problems.add(new RouteProblem(name == null ? "" : name, problem.get()));
                } else {
                    routes.add(new Route(name, strategy, endpoint == null ? "" : endpoint.strip(),
                            config == null || config.isBlank() ? "{}" : config, updatedAt));
                }
            }
        }
        return new RouteSet(routes, problems);
    }

    /** @return what is wrong with the row, if anything */
    static Optional<String> problem(String name, String strategy, String endpoint, String config) {
        if (name == null || name.isBlank()) {
            return Optional.of("row has no service_name");
        }
        if (strategy == null || strategy.isBlank()) {
            return Optional.of("row has no strategy");
        }
        if (config != null && !config.isBlank()) {
            Optional<String> bad = JsonDocuments.objectProblem(config);
            if (bad.isPresent()) {
                return Optional.of("config " + bad.get());
            }
        }
        if (Target.DBSYNC.equals(strategy)) {
            if (endpoint == null || endpoint.isBlank()) {
                return Optional.of("strategy dbsync needs an endpoint (host:port), the row has none");
            }
            try {
                Endpoint.parse(endpoint);
            } catch (IllegalArgumentException e) {
                return Optional.of(e.getMessage());
            }
        }
        return Optional.empty();
    }
}
