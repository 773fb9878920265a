package dev.dbsync.api;

import java.util.Objects;

/**
 * One front office a publisher pushes to.
 *
 * @param name an identifier unique among the targets, e.g. "fo-1" or "dbsync:fo-1"
 * @param strategy {@value #DBSYNC} to push, {@value #NOOP} to pause this target
 * @param endpoint "host:port" of the subscriber's QUIC listener; may be empty for a paused target
 */
public record Target(String name, String strategy, String endpoint) {
    /** The strategy of a target that receives snapshots. */
    public static final String DBSYNC = "dbsync";
    /** The strategy of a paused target: it is listed but receives nothing. */
    public static final String NOOP = "noop";

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException if the name or strategy is blank
     */
    public Target {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(strategy, "strategy");
        endpoint = endpoint == null ? "" : endpoint;
        if (name.isBlank()) {
            throw new IllegalArgumentException("target name is blank");
        }
        if (strategy.isBlank()) {
            throw new IllegalArgumentException("target '" + name + "' has a blank strategy");
        }
    }

    /**
     * @param name the target's name
     * @param endpoint "host:port" of its listener
     * @return an active target
     */
    public static Target dbsync(String name, String endpoint) {
        return new Target(name, DBSYNC, endpoint);
    }

    /** @return true when this target is paused (strategy {@value #NOOP}) */
    public boolean paused() {
        return NOOP.equals(strategy);
    }
}
