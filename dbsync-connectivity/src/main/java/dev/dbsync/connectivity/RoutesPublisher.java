package dev.dbsync.connectivity;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.core.Publisher;

import java.nio.file.Path;

/**
 * A publisher whose targets come from a routes table (the original's
 * {@code NewPublisherWithRoutesDB}): operators add, remove, pause ({@code strategy = 'noop'})
 * and resume front offices by editing rows named {@code dbsync:…}; the publisher picks the
 * change up within one watch interval, without a restart.
 *
 * <pre>{@code
 * try (Publisher pub = RoutesPublisher.builder(Path.of("bo.db"), Path.of("routes.db"), spec,
 *                 Path.of("public.db"))
 *         .tls(TlsSettings.mutualClient(ca, boCert, boKey))
 *         .build()) {
 *     pub.start();
 * }
 * }</pre>
 */
public final class RoutesPublisher {
    private RoutesPublisher() {
    }

    /**
     * A publisher builder whose target provider reads {@code routesDb}.
     *
     * @param source the back-office database
     * @param routesDb the routes database (read-only access is enough; the table is created
     *     elsewhere with {@link RoutesSchema#init})
     * @param spec what to publish
     * @param savePath where the latest snapshot is kept
     * @return the builder, with targets set; TLS and options remain to be set
     */
    public static Publisher.Builder builder(Path source, Path routesDb, FilterSpec spec, Path savePath) {
        return Publisher.builder(source, spec, savePath).targets(RoutesTargetProvider.open(routesDb));
    }
}
