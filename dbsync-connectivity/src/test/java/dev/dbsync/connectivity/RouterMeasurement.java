package dev.dbsync.connectivity;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A quick measurement program (not a test): the delay from a committed route change to the
 * first call that sees it, and the throughput of calls through the router. Run with the test
 * class path: {@code java -cp … dev.dbsync.connectivity.RouterMeasurement}.
 */
public final class RouterMeasurement {
    private RouterMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("router-measure");
        for (Duration interval : List.of(Duration.ofMillis(200), Duration.ofMillis(50))) {
            reloadDelay(dir.resolve("i" + interval.toMillis()), interval);
        }
        for (int threads : new int[] {1, 4}) {
            throughput(dir.resolve("t" + threads), threads);
        }
    }

    private static void reloadDelay(Path dir, Duration interval) throws Exception {
        Files.createDirectories(dir);
        try (RoutesDatabase db = RoutesDatabase.create(dir);
             Router router = Router.builder(db.file).interval(interval).debounce(Duration.ZERO).build()) {
            db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9000");
            router.registerTransport("dbsync", new RecordingFactory());
            router.start();
            int changes = 20;
            long[] micros = new long[changes];
            for (int i = 1; i <= changes; i++) {
                String expected = "127.0.0.1:" + (9000 + i);
                long start = System.nanoTime();
                db.update("dbsync:fo-1", "endpoint", expected);
                while (!expected.equals(new String(router.call("dbsync:fo-1", null), StandardCharsets.UTF_8))) {
                    Thread.sleep(1);
                }
                micros[i - 1] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
                Thread.sleep(interval.toMillis() / 3 + (i * 7L) % interval.toMillis()); // vary the phase
            }
            Arrays.sort(micros);
            System.out.printf("interval %d ms: commit -> visible over %d changes: median %.1f ms, max %.1f ms%n",
                    interval.toMillis(), changes, micros[changes / 2] / 1000.0, micros[changes - 1] / 1000.0);
        }
    }

    private static void throughput(Path dir, int threads) throws Exception {
        Files.createDirectories(dir);
        try (RoutesDatabase db = RoutesDatabase.create(dir);
             Router router = Router.builder(db.file).interval(Duration.ofMillis(50)).debounce(Duration.ZERO).build()) {
            db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9000");
            router.registerTransport("dbsync", route -> request -> request);
            router.registerLocal("svc", request -> request);
            router.start();
            for (String service : List.of("svc", "dbsync:fo-1")) {
                for (boolean reloading : new boolean[] {false, true}) {
                    LongAdder calls = new LongAdder();
                    AtomicBoolean stop = new AtomicBoolean();
                    List<Thread> workers = new ArrayList<>();
                    byte[] payload = {1, 2, 3};
                    for (int t = 0; t < threads; t++) {
                        Thread w = new Thread(() -> {
                            while (!stop.get()) {
                                router.call(service, payload);
                                calls.increment();
                            }
                        });
                        w.start();
                        workers.add(w);
                    }
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    int edits = 0;
                    while (System.nanoTime() < end) {
                        if (reloading) {
                            db.update("dbsync:fo-1", "config", "{\"n\":" + (++edits) + "}");
                        }
                        Thread.sleep(20);
                    }
                    stop.set(true);
                    for (Thread w : workers) {
                        w.join();
                    }
                    System.out.printf("%d thread(s), %s%s: %.0f calls/s%n", threads, service,
                            reloading ? " while its route changes every 20 ms" : "", calls.sum() / 2.0);
                }
            }
        }
    }
}
