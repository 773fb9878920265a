package dev.dbsync.connectivity;

import java.util.Objects;

/**
 * One valid row of the routes table, as a {@link HandlerFactory} receives it.
 *
 * @param serviceName the service, e.g. {@code dbsync:fo-1}
 * @param strategy how it is served: {@code local}, {@code noop}, {@code dbsync} or any
 *     strategy a factory is registered for
 * @param endpoint where it is served, as written in the row; empty when the row has none
 * @param config the row's {@code config}, a JSON object ({@code {}} when the row has none)
 * @param updatedAt the row's {@code updated_at}, Unix seconds
 */
public record Route(String serviceName, String strategy, String endpoint, String config, long updatedAt) {
    /**
     * Validates the fields.
     *
     * @throws NullPointerException if a text field is null
     * @throws IllegalArgumentException if the service name or strategy is blank
     */
    public Route {
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(config, "config");
        if (serviceName.isBlank()) {
            throw new IllegalArgumentException("route service name is blank");
        }
        if (strategy.isBlank()) {
            throw new IllegalArgumentException("route '" + serviceName + "' has a blank strategy");
        }
    }

    /**
     * @param other another route
     * @return true when both are served the same way (strategy, endpoint and config equal),
     *     so a handler built for one serves the other
     */
    public boolean sameBinding(Route other) {
        return strategy.equals(other.strategy) && endpoint.equals(other.endpoint) && config.equals(other.config);
    }
}
