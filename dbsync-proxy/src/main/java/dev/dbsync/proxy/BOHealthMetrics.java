package dev.dbsync.proxy;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Objects;

/**
 * Micrometer binding of a {@link BOHealthChecker}. Optional: only this class needs Micrometer
 * on the module path ({@code requires static micrometer.core}); the checker runs without it.
 *
 * <p>Meters, each tagged {@code bo=<base url>}:
 * <ul>
 *   <li>gauge {@code dbsync.proxy.bo.reachable}: 1 when the last check reached the BO, else 0;</li>
 *   <li>gauge {@code dbsync.proxy.bo.latency} (milliseconds): duration of the last check;</li>
 *   <li>counters {@code dbsync.proxy.bo.checks} and {@code dbsync.proxy.bo.check.failures}.</li>
 * </ul>
 *
 * <pre>{@code
 * new BOHealthMetrics(healthChecker).bindTo(meterRegistry);
 * }</pre>
 */
public final class BOHealthMetrics implements MeterBinder {
    private final BOHealthChecker checker;

    /** @param checker the checker whose results are exposed */
    public BOHealthMetrics(BOHealthChecker checker) {
        this.checker = Objects.requireNonNull(checker, "checker");
    }

    /** Registers the meters; they read the checker's cached state and never trigger a check. */
    @Override
    public void bindTo(MeterRegistry registry) {
        String bo = checker.backOfficeUrl();
        Gauge.builder("dbsync.proxy.bo.reachable", checker, c -> c.healthy() ? 1 : 0)
                .description("1 when the back office answered the last health check, else 0")
                .tag("bo", bo).register(registry);
        Gauge.builder("dbsync.proxy.bo.latency", checker, c -> c.state().latencyMs())
                .description("duration of the last back-office health check")
                .baseUnit("milliseconds").tag("bo", bo).register(registry);
        FunctionCounter.builder("dbsync.proxy.bo.checks", checker, c -> c.state().checks())
                .description("back-office health checks run").tag("bo", bo).register(registry);
        FunctionCounter.builder("dbsync.proxy.bo.check.failures", checker, c -> c.state().failures())
                .description("back-office health checks that failed").tag("bo", bo).register(registry);
    }
}
