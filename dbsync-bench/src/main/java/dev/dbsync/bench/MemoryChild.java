package dev.dbsync.bench;

import dev.dbsync.core.Publisher;
import dev.dbsync.core.Subscriber;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The child JVMs of the memory section, speaking one line at a time on stdout.
 *
 * <ul>
 *   <li>{@code subscriber <db> <rig…>}: prints {@code PORT <port>}; on any line (or end) of stdin
 *       prints {@code PEAK <heap bytes> VERSION <served version>} and exits.</li>
 *   <li>{@code publisher <source> <save> <timeout s> <rig…> <port>…}: delivers one snapshot to every
 *       port, prints {@code DELIVERED <seconds> <snapshot bytes> PEAK <heap bytes>} or
 *       {@code TIMEOUT PEAK <heap bytes>}, and exits.</li>
 * </ul>
 * Peak heap is the sum of every heap pool's peak usage: an upper bound of the real peak.
 */
public final class MemoryChild {
    private MemoryChild() {
    }

    /** @param args the role and its arguments (see the class comment) */
    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        if (args[0].equals("subscriber")) {
            LoopbackReplication rig = LoopbackReplication.fromArgs(List.of(args).subList(2, 6));
            try (Subscriber sub = rig.subscriber(Path.of(args[1]))) {
                System.out.println("PORT " + sub.localAddress().getPort());
                System.out.flush();
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
                System.out.println("PEAK " + peakHeap() + " VERSION " + sub.version());
                System.out.flush();
            }
        } else {
            LoopbackReplication rig = LoopbackReplication.fromArgs(List.of(args).subList(4, 8));
            List<Integer> ports = new ArrayList<>();
            for (int i = 8; i < args.length; i++) {
                ports.add(Integer.parseInt(args[i]));
            }
            try (Publisher pub = rig.publisher(Path.of(args[1]), SourceDatabase.BLOBS_SPEC, Path.of(args[2]), ports)) {
                long t0 = System.nanoTime();
                pub.start();
                if (pub.awaitDelivery(Duration.ofSeconds(Long.parseLong(args[3])))) {
                    System.out.printf(Locale.ROOT, "DELIVERED %.3f %d PEAK %d%n", (System.nanoTime() - t0) / 1e9,
                            pub.lastMeta().orElseThrow().size(), peakHeap());
                } else {
                    System.out.println("TIMEOUT PEAK " + peakHeap());
                }
                System.out.flush();
            }
        }
        System.exit(0);
    }

    static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
