package dev.dbsync.connectivity;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real factory for tests: each handler it builds answers {@code <endpoint>} (or runs a
 * per-endpoint hook first), counts its closes, and records any call made after it closed.
 */
final class RecordingFactory implements HandlerFactory {
    /** Runs inside a handler before it answers; may block. */
    interface Hook {
        void run(Route route, byte[] request) throws Exception;
    }

    final List<Built> built = new CopyOnWriteArrayList<>();
    final List<String> callsAfterClose = new CopyOnWriteArrayList<>();
    final ConcurrentHashMap<String, Hook> hooks = new ConcurrentHashMap<>();
    /** Runs in every handler, before the per-endpoint hook; may be null. */
    volatile Hook everyCall;

    /** One handler the factory built. */
    final class Built implements ServiceHandler {
        final Route route;
        final AtomicInteger closes = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();

        Built(Route route) {
            this.route = route;
        }

        @Override
        public byte[] handle(byte[] request) throws Exception {
            if (closes.get() > 0) {
                callsAfterClose.add(route.serviceName() + "@" + route.endpoint());
            }
            calls.incrementAndGet();
            Hook all = everyCall;
            if (all != null) {
                all.run(route, request);
            }
            Hook hook = hooks.get(route.endpoint());
            if (hook != null) {
                hook.run(route, request);
            }
            return route.endpoint().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Override
    public ServiceHandler create(Route route) {
        Built b = new Built(route);
        built.add(b);
        return b;
    }

    List<Built> builtFor(String endpoint) {
        return built.stream().filter(b -> b.route.endpoint().equals(endpoint)).toList();
    }

    Built only(String endpoint) {
        List<Built> all = builtFor(endpoint);
        if (all.size() != 1) {
            throw new AssertionError("expected one handler for " + endpoint + ", found " + all.size());
        }
        return all.get(0);
    }
}
