package dev.dbsync.filter;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Sets the tries of a leak property from the system property {@code dbsync.leak.tries}, or to
 * 2,000 under {@code -Pstress} (system property {@code dbsync.stress=true}); otherwise the
 * property keeps the tries it declares.
 */
public final class LeakTries implements AroundPropertyHook {
    /** Tries under {@code -Pstress} when {@code dbsync.leak.tries} is not set. */
    static final int STRESS_TRIES = 2_000;

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        String tries = System.getProperty("dbsync.leak.tries");
        if (tries != null && !tries.isBlank()) {
            context.attributes().setTries(Integer.parseInt(tries.trim()));
        } else if (Boolean.getBoolean("dbsync.stress")) {
            context.attributes().setTries(STRESS_TRIES);
        }
        return property.execute();
    }
}
