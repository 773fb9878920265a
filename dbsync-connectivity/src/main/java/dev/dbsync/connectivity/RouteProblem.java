package dev.dbsync.connectivity;

import java.util.Objects;

/**
 * Something wrong with one row of the routes table: an active front office without an
 * endpoint, an endpoint that is not {@code host:port}, a {@code config} that is not a JSON
 * object, a strategy no factory serves, a factory that failed. The row is left out (or fails
 * on call); every other row keeps working.
 *
 * @param serviceName the row's {@code service_name} (empty if the row has none)
 * @param reason what is wrong, for an operator
 */
public record RouteProblem(String serviceName, String reason) {
    /**
     * Validates the fields.
     *
     * @throws NullPointerException if a field is null
     */
    public RouteProblem {
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(reason, "reason");
    }

    /** @return {@code service_name: reason} */
    @Override
    public String toString() {
        return "'" + serviceName + "': " + reason;
    }
}
