package dev.dbsync.api;

import java.util.List;

/**
 * Supplies the front offices a publisher pushes to. Called before every push round, so an
 * implementation backed by a table or a service picks up changes without a restart.
 *
 * <p>Implementations must be thread-safe. They may throw (any runtime exception); the
 * publisher then reports the error and keeps the previous target list.
 */
@FunctionalInterface
public interface TargetProvider {

    /**
     * @return the current targets; never null
     */
    List<Target> targets();

    /**
     * A provider that always returns the same targets.
     *
     * @param targets the targets
     * @return a static provider
     */
    static TargetProvider of(Target... targets) {
        List<Target> fixed = List.of(targets);
        return () -> fixed;
    }
}
