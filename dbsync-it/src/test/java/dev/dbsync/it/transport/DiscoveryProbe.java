package dev.dbsync.it.transport;

import dev.dbsync.api.transport.Transport;
import dev.dbsync.core.Transports;

/** Run in a child JVM: prints one line per transport that discovery finds. */
public final class DiscoveryProbe {
    private DiscoveryProbe() {
    }

    /** @param args unused */
    public static void main(String[] args) {
        for (Transport t : Transports.all()) {
            System.out.println("transport " + t.name() + " available=" + t.isAvailable()
                    + " module=" + t.getClass().getModule().getName()
                    + " cause=" + t.unavailabilityCause().map(Throwable::getMessage).orElse("-"));
        }
    }
}
