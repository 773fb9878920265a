package dev.dbsync.core;

import dev.dbsync.api.TransportException;
import dev.dbsync.api.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds the {@link Transport} implementations on the module path or classpath.
 *
 * <p>A transport is chosen by name ({@link #named(String)}), or by default
 * ({@link #preferred()}): the system property {@value #PROPERTY} when set, else the available
 * transport with the highest {@link Transport#priority()} (netty, when its native library
 * loads on this platform, before kwik). The default choice is logged once at INFO with the
 * reason. Providers that fail to load are skipped and logged.
 *
 * <pre>{@code
 * Transport quic = Transports.named("kwik");
 * }</pre>
 */
public final class Transports {
    /** System property that overrides the default transport, e.g. {@code -Ddbsync.transport=kwik}. */
    public static final String PROPERTY = "dbsync.transport";

    private static final Logger LOG = LoggerFactory.getLogger(Transports.class);

    private Transports() {
    }

    /**
     * @return every transport found, available or not, sorted by descending priority then name
     */
    public static List<Transport> all() {
        List<Transport> found = new ArrayList<>();
        Iterator<Transport> it = ServiceLoader.load(Transport.class, Transports.class.getClassLoader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                LOG.warn("skipping a transport provider that failed to load: {}", e.getMessage());
            }
        }
        found.sort(Comparator.comparingInt(Transport::priority).reversed().thenComparing(Transport::name));
        return found;
    }

    /**
     * Returns the transport with the given name.
     *
     * @param name the transport's name, case-insensitive
     * @return the transport
     * @throws TransportException if none has that name, or it cannot run on this platform
     *     (the message lists what was found and why it is unavailable)
     */
    public static Transport named(String name) {
        List<Transport> all = all();
        for (Transport t : all) {
            if (t.name().equalsIgnoreCase(name)) {
                if (!t.isAvailable()) {
                    throw new TransportException(name, "transport '" + t.name() + "' cannot run here: "
                            + t.unavailabilityCause().map(Throwable::toString).orElse("unknown reason"),
                            t.unavailabilityCause().orElse(null));
                }
                return t;
            }
        }
        throw new TransportException(name, "no transport named '" + name + "'; found: " + describe(all)
                + " (add dbsync-transport-netty or dbsync-transport-kwik to the application)");
    }

    /**
     * Returns the default transport: the one named by {@value #PROPERTY}, else the available
     * one with the highest priority.
     *
     * @return the transport
     * @throws TransportException if no transport is available
     */
    public static Transport preferred() {
        String forced = System.getProperty(PROPERTY);
        if (forced != null && !forced.isBlank()) {
            Transport t = named(forced.strip());
            LOG.info("using transport '{}' (set by -D{})", t.name(), PROPERTY);
            return t;
        }
        List<Transport> all = all();
        for (Transport t : all) {
            if (t.isAvailable()) {
                List<String> skipped = all.stream().filter(o -> o != t && o.priority() >= t.priority())
                        .map(o -> o.name() + ": " + o.unavailabilityCause().map(Throwable::getMessage).orElse("?"))
                        .collect(Collectors.toList());
                LOG.info("using transport '{}' ({}; found {})", t.name(),
                        skipped.isEmpty() ? "highest priority available" : "unavailable: " + skipped, describe(all));
                return t;
            }
        }
        throw new TransportException("-", "no usable transport; found: " + describe(all)
                + " (add dbsync-transport-netty or dbsync-transport-kwik to the application)");
    }

    private static String describe(List<Transport> all) {
        if (all.isEmpty()) {
            return "none";
        }
        return all.stream()
                .map(t -> t.name().toLowerCase(Locale.ROOT) + (t.isAvailable() ? "" : " (unavailable)"))
                .collect(Collectors.joining(", "));
    }
}
