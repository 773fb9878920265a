package dev.dbsync.core;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Raises a property's tries to {@value #STRESS_TRIES} when the build runs with {@code -Pstress}
 * (system property {@code dbsync.stress=true}, passed to the tests by surefire). Properties opt
 * in with {@code @AddLifecycleHook(StressTries.class)}.
 */
public final class StressTries implements AroundPropertyHook {
    /** Tries of every opted-in property under {@code -Pstress}. */
    public static final int STRESS_TRIES = 100_000;

    /** Creates the hook (jqwik instantiates it). */
    public StressTries() {
    }

    /** @return true when the build runs with {@code -Pstress} */
    public static boolean stress() {
        return Boolean.getBoolean("dbsync.stress");
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        if (stress()) {
            int tries = context.attributes().tries().orElse(1000);
            context.attributes().setTries(Math.max(tries, STRESS_TRIES));
        }
        return property.execute();
    }
}
