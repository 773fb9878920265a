package dev.dbsync.connectivity;

import dev.dbsync.connectivity.RouteException.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Hot reload through the watcher: no test here calls {@link Router#reload()}. */
@Timeout(60)
class RouterHotReloadTest {
    private static final Duration INTERVAL = Duration.ofMillis(50);
    private static final long WAIT_MILLIS = 10_000;

    @TempDir
    Path dir;
    RoutesDatabase db;
    Router router;
    RecordingFactory dbsync = new RecordingFactory();

    @BeforeEach
    void createRoutes() throws SQLException {
        db = RoutesDatabase.create(dir);
        router = Router.builder(db.file).interval(INTERVAL).debounce(Duration.ZERO).build();
        router.registerTransport("dbsync", dbsync);
    }

    @AfterEach
    void close() throws SQLException {
        router.close();
        db.close();
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** What a call answers now: its text, or the reason it failed. */
    private String outcome(String service) {
        try {
            return text(router.call(service, null));
        } catch (RouteException e) {
            return e.reason().name();
        }
    }

    /** Polls (bounded) until the call's outcome matches; returns it. */
    private String awaitOutcome(String service, Predicate<String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        String last = outcome(service);
        while (!expected.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("after " + WAIT_MILLIS + " ms " + service + " still answers " + last);
            }
            Thread.sleep(5);
            last = outcome(service);
        }
        return last;
    }

    private long reloads() {
        return (Long) router.status().get("reloads");
    }

    private void awaitReloadsAbove(long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (reloads() <= count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no reload after " + WAIT_MILLIS + " ms");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void addedPausedResumedMovedAndRemovedRoutesTakeEffectWithoutRestart() throws Exception {
        router.start();
        assertThat(outcome("dbsync:fo-1")).isEqualTo("UNKNOWN_SERVICE");

        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9001");
        assertThat(awaitOutcome("dbsync:fo-1", "127.0.0.1:9001"::equals)).isNotNull();

        db.update("dbsync:fo-1", "strategy", "noop");
        awaitOutcome("dbsync:fo-1", String::isEmpty);
        assertThat(dbsync.only("127.0.0.1:9001").closes).as("paused: its handler is released").hasValue(1);

        db.update("dbsync:fo-1", "strategy", "dbsync");
        awaitOutcome("dbsync:fo-1", "127.0.0.1:9001"::equals);
        assertThat(dbsync.builtFor("127.0.0.1:9001")).hasSize(2);

        db.update("dbsync:fo-1", "endpoint", "127.0.0.1:9002");
        awaitOutcome("dbsync:fo-1", "127.0.0.1:9002"::equals);
        assertThat(dbsync.builtFor("127.0.0.1:9001")).allSatisfy(b -> assertThat(b.closes).hasValue(1));

        db.delete("dbsync:fo-1");
        awaitOutcome("dbsync:fo-1", "UNKNOWN_SERVICE"::equals);
        assertThat(dbsync.only("127.0.0.1:9002").closes).hasValue(1);
        assertThat(dbsync.callsAfterClose).isEmpty();
    }

    @Test
    void anUnchangedRouteKeepsItsHandlerAcrossReloads() throws Exception {
        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9001");
        router.start();
        router.call("dbsync:fo-1", null);
        for (int i = 0; i < 3; i++) {
            long before = reloads();
            db.put("other-" + i, "noop", null);
            awaitReloadsAbove(before);
        }
        assertThat(dbsync.built).hasSize(1);
        assertThat(dbsync.only("127.0.0.1:9001").closes).hasValue(0);
        assertThat(text(router.call("dbsync:fo-1", null))).isEqualTo("127.0.0.1:9001");
    }

    @Test
    void aBadRowAddedLaterIsReportedAndTheGoodRowsKeepWorking() throws Exception {
        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9001");
        router.start();
        long before = reloads();
        db.put("dbsync:fo-2", "dbsync", "not an endpoint");
        db.update("dbsync:fo-1", "config", "{broken");
        awaitOutcome("dbsync:fo-2", "INVALID_ROUTE"::equals);
        awaitOutcome("dbsync:fo-1", "INVALID_ROUTE"::equals);
        assertThat(reloads()).isGreaterThan(before);
        db.update("dbsync:fo-1", "config", "{\"fixed\":true}");
        awaitOutcome("dbsync:fo-1", "127.0.0.1:9001"::equals);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> problems = (List<Map<String, Object>>) router.status().get("problems");
        assertThat(problems).extracting(p -> p.get("service_name")).containsExactly("dbsync:fo-2");
    }

    @Test
    void anUnreadableTableKeepsThePreviousRoutesAndRecovers() throws Exception {
        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9001");
        router.start();
        db.exec("ALTER TABLE routes RENAME TO routes_away");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (!router.status().containsKey("last_error")) {
            assertThat(System.nanoTime()).as("the failed reload shows in status").isLessThan(deadline);
            Thread.sleep(5);
        }
        assertThat((String) router.status().get("last_error")).contains("no such table");
        assertThat(text(router.call("dbsync:fo-1", null))).isEqualTo("127.0.0.1:9001");

        db.exec("ALTER TABLE routes_away RENAME TO routes");
        db.update("dbsync:fo-1", "endpoint", "127.0.0.1:9002");
        awaitOutcome("dbsync:fo-1", "127.0.0.1:9002"::equals);
        assertThat(router.status()).doesNotContainKey("last_error");
        assertThat((Long) router.status().get("reload_failures")).isPositive();
    }

    @Test
    void statusAndCallsDoNotWaitForASlowFactory() throws Exception {
        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9001");
        router.start();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        router.registerTransport("http", route -> {
            entered.countDown();
            assertThat(release.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
            return request -> new byte[] {42};
        });
        db.put("slow", "http", "http://127.0.0.1:1/");
        try {
            assertThat(entered.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)).as("the reload reached the factory").isTrue();
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                assertThat(router.status()).containsEntry("started", true);
                assertThat(text(router.call("dbsync:fo-1", null))).isEqualTo("127.0.0.1:9001");
            });
        } finally {
            release.countDown();
        }
        awaitOutcome("slow", "*"::equals);
    }

    @Test
    void aCallInFlightFinishesOnItsOldHandlerWhichClosesOnceAfterwards() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        dbsync.hooks.put("127.0.0.1:9001", (route, request) -> {
            if (request.length > 0) {
                entered.countDown();
                assertThat(release.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
            }
        });
        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9001");
        router.start();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<byte[]> slow = caller.submit(() -> router.call("dbsync:fo-1", new byte[] {1}));
            assertThat(entered.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();

            db.update("dbsync:fo-1", "endpoint", "127.0.0.1:9002");
            awaitOutcome("dbsync:fo-1", "127.0.0.1:9002"::equals);
            RecordingFactory.Built old = dbsync.only("127.0.0.1:9001");
            assertThat(old.closes).as("still in use").hasValue(0);

            release.countDown();
            assertThat(text(slow.get(WAIT_MILLIS, TimeUnit.MILLISECONDS))).isEqualTo("127.0.0.1:9001");
            assertThat(old.closes).as("closed by the last call").hasValue(1);
            router.close();
            assertThat(old.closes).hasValue(1);
            assertThat(dbsync.only("127.0.0.1:9002").closes).hasValue(1);
        } finally {
            release.countDown();
            caller.shutdownNow();
            assertThat(caller.awaitTermination(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
        }
    }

    @Test
    void aRemovedHandlerClosesOnlyAfterItsLastCallEvenWhenTheRouterCloses() throws Exception {
        int calls = 3;
        CountDownLatch entered = new CountDownLatch(calls);
        CountDownLatch[] releases = {new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1)};
        dbsync.hooks.put("127.0.0.1:9001", (route, request) -> {
            if (request.length > 0) { // the probes of awaitOutcome send nothing and pass
                entered.countDown();
                assertThat(releases[request[0]].await(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
            }
        });
        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9001");
        router.start();
        ExecutorService callers = Executors.newFixedThreadPool(calls);
        try {
            Future<?>[] running = new Future<?>[calls];
            for (int i = 0; i < calls; i++) {
                byte[] request = {(byte) i};
                running[i] = callers.submit(() -> router.call("dbsync:fo-1", request));
            }
            assertThat(entered.await(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
            RecordingFactory.Built handler = dbsync.only("127.0.0.1:9001");

            db.delete("dbsync:fo-1");
            awaitOutcome("dbsync:fo-1", "UNKNOWN_SERVICE"::equals);
            router.close();
            for (int i = 0; i < calls; i++) {
                assertThat(handler.closes).as("%d calls still running", calls - i).hasValue(0);
                releases[i].countDown();
                running[i].get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
            assertThat(handler.closes).hasValue(1);
            assertThat(dbsync.callsAfterClose).isEmpty();
            assertThatThrownBy(() -> router.call("dbsync:fo-1", null)).isInstanceOfSatisfying(RouteException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.CLOSED));
        } finally {
            for (CountDownLatch r : releases) {
                r.countDown();
            }
            callers.shutdownNow();
            assertThat(callers.awaitTermination(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
        }
    }
}
