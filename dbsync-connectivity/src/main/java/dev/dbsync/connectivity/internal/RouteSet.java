package dev.dbsync.connectivity.internal;

import dev.dbsync.connectivity.Route;
import dev.dbsync.connectivity.RouteProblem;

import java.util.List;

/**
 * What one read of the routes table found: the valid routes and the problems of the others,
 * both in {@code service_name} order.
 *
 * @param routes the valid rows
 * @param problems one entry per invalid row
 */
public record RouteSet(List<Route> routes, List<RouteProblem> problems) {
    /** An empty set, before the first read. */
    public static final RouteSet EMPTY = new RouteSet(List.of(), List.of());

    /** Copies the lists. */
    public RouteSet {
        routes = List.copyOf(routes);
        problems = List.copyOf(problems);
    }
}
