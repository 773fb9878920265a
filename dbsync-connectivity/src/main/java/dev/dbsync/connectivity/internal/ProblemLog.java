package dev.dbsync.connectivity.internal;

import dev.dbsync.connectivity.RouteProblem;
import org.slf4j.Logger;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Logs each distinct route problem once, at WARN, while it lasts: a problem that is fixed and
 * comes back is logged again. Memory is bounded by the problems present at the last report.
 * Thread-safe.
 */
public final class ProblemLog {
    private final Logger log;
    private final String source;
    private Set<RouteProblem> reported = Set.of();

    /**
     * @param log where to log
     * @param source names the routes database in messages
     */
    public ProblemLog(Logger log, String source) {
        this.log = log;
        this.source = source;
    }

    /**
     * Reports the problems present now; logs those not present at the previous report.
     *
     * @param current the problems found by the latest read
     */
    public synchronized void report(Collection<RouteProblem> current) {
        Set<RouteProblem> now = new HashSet<>(current);
        for (RouteProblem p : now) {
            if (!reported.contains(p)) {
                log.warn("routes in {}: service {}", source, p);
            }
        }
        for (RouteProblem p : reported) {
            if (!now.contains(p)) {
                log.info("routes in {}: fixed: service {}", source, p);
            }
        }
        reported = Set.copyOf(now);
    }
}
