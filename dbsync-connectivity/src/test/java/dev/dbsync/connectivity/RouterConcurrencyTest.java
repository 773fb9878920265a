package dev.dbsync.connectivity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many calls while the routes table changes again and again: no call fails, no call runs on a
 * closed handler, every replaced handler is closed exactly once.
 */
@Timeout(120)
class RouterConcurrencyTest {
    private static final int CALLERS = 8;
    private static final int CHANGES = 20;
    private static final long WAIT_MILLIS = 10_000;

    @TempDir
    Path dir;

    private static String endpoint(int i) {
        return "127.0.0.1:" + (9000 + i);
    }

    @Test
    void concurrentCallsDuringRepeatedReloadsNeverFail() throws Exception {
        RecordingFactory dbsync = new RecordingFactory();
        dbsync.everyCall = (route, request) -> LockSupport.parkNanos(50_000); // keep calls in flight across swaps
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicLong calls = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(CALLERS + 1);
        RoutesDatabase db = RoutesDatabase.create(dir);
        Router router = Router.builder(db.file).interval(Duration.ofMillis(20)).debounce(Duration.ZERO).build();
        try {
            db.put("dbsync:fo-1", "dbsync", endpoint(0));
            db.put("svc", "local", null);
            router.registerTransport("dbsync", dbsync);
            router.registerLocal("svc", request -> request);
            router.start();

            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < CALLERS; t++) {
                byte[] payload = {(byte) t};
                running.add(threads.submit(() -> {
                    while (!stop.get()) {
                        try {
                            String answer = new String(router.call("dbsync:fo-1", payload), StandardCharsets.UTF_8);
                            if (!answer.matches("127\\.0\\.0\\.1:9\\d{3}")) {
                                failures.add(new AssertionError("unexpected answer " + answer));
                            }
                            if (router.call("svc", payload)[0] != payload[0]) {
                                failures.add(new AssertionError("local handler answered another request"));
                            }
                            calls.addAndGet(2);
                        } catch (RuntimeException | Error e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            running.add(threads.submit(() -> { // explicit reloads racing the watcher's
                while (!stop.get()) {
                    try {
                        router.reload();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                    LockSupport.parkNanos(2_000_000);
                }
            }));

            for (int i = 1; i <= CHANGES; i++) {
                db.update("dbsync:fo-1", "endpoint", endpoint(i));
                String expected = endpoint(i);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
                while (!expected.equals(new String(router.call("dbsync:fo-1", null), StandardCharsets.UTF_8))) {
                    assertThat(System.nanoTime()).as("change %d visible", i).isLessThan(deadline);
                    Thread.sleep(2);
                }
            }
            stop.set(true);
            for (Future<?> f : running) {
                f.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }

            assertThat(failures).isEmpty();
            assertThat(calls.get()).isGreaterThan(CALLERS);
            assertThat(dbsync.callsAfterClose).isEmpty();
            assertThat(dbsync.built).hasSize(CHANGES + 1);
            for (int i = 0; i < CHANGES; i++) {
                assertThat(dbsync.only(endpoint(i)).closes).as("handler %d", i).hasValue(1);
            }
            assertThat(dbsync.only(endpoint(CHANGES)).closes).as("the current handler").hasValue(0);
            router.close();
            assertThat(dbsync.built).allSatisfy(b -> assertThat(b.closes).hasValue(1));
        } finally {
            stop.set(true);
            router.close();
            db.close();
            threads.shutdownNow();
            assertThat(threads.awaitTermination(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
        }
    }
}
