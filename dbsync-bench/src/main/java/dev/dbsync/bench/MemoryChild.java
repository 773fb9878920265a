package dev.dbsync.bench;

import dev.dbsync.core.Publisher;
import dev.dbsync.core.Subscriber;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import com.sun.management.GarbageCollectionNotificationInfo;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The child JVMs of the memory section, speaking one line at a time on stdout.
 *
 * <ul>
 *   <li>{@code subscribers <dir> <n> <rig…>}: starts n subscribers, prints {@code PORTS <port>…}; on any
 *       line (or end) of stdin prints {@code PEAK <bytes> LIVE <bytes> SERVING <subscribers serving a snapshot>}
 *       and exits.</li>
 *   <li>{@code publisher <source> <save> <timeout s> <rig…> <port>…}: delivers one snapshot to every
 *       port, prints {@code DELIVERED <seconds> <snapshot bytes> PEAK <bytes> LIVE <bytes>} or
 *       {@code TIMEOUT PEAK <bytes> LIVE <bytes>}, and exits.</li>
 * </ul>
 * PEAK is the sum of every heap pool's peak usage (an upper bound of the real peak); LIVE the
 * largest heap left after a garbage collection (the live set).
 */
public final class MemoryChild {
    private MemoryChild() {
    }

    /** @param args the role and its arguments (see the class comment) */
    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        watchCollections();
        if (args[0].equals("subscribers")) {
            LoopbackReplication rig = LoopbackReplication.fromArgs(List.of(args).subList(3, 7));
            int n = Integer.parseInt(args[2]);
            List<Subscriber> subs = new ArrayList<>();
            try {
                StringBuilder ports = new StringBuilder("PORTS");
                for (int i = 0; i < n; i++) {
                    Subscriber sub = rig.subscriber(Path.of(args[1]).resolve("fo-" + i + ".db"));
                    subs.add(sub);
                    ports.append(' ').append(sub.localAddress().getPort());
                }
                System.out.println(ports);
                System.out.flush();
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
                long served = subs.stream().filter(sub -> sub.version() > 0).count();
                System.out.println(heapFigures() + " SERVING " + served);
                System.out.flush();
            } finally {
                for (Subscriber sub : subs) {
                    sub.close();
                }
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
                    System.out.printf(Locale.ROOT, "DELIVERED %.3f %d %s%n", (System.nanoTime() - t0) / 1e9,
                            pub.lastMeta().orElseThrow().size(), heapFigures());
                } else {
                    System.out.println("TIMEOUT " + heapFigures());
                }
                System.out.flush();
            }
        }
        System.exit(0);
    }

    private static final AtomicLong LIVE_AFTER_GC = new AtomicLong();

    /** Records the largest heap left after any collection: the live set, what streaming keeps small. */
    private static void watchCollections() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                        return;
                    }
                    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                            (CompositeData) notification.getUserData());
                    long after = 0;
                    for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        if (HEAP_POOLS.contains(e.getKey())) {
                            after += e.getValue().getUsed();
                        }
                    }
                    LIVE_AFTER_GC.accumulateAndGet(after, Math::max);
                }, null, null);
            }
        }
    }

    private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());

    /** @return "PEAK bytes LIVE bytes": the sum of heap pools' peaks, and the largest heap left after a GC */
    static String heapFigures() {
        return "PEAK " + peakHeap() + " LIVE " + LIVE_AFTER_GC.get();
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
