package dev.dbsync.connectivity;

import dev.dbsync.api.TransportException;
import dev.dbsync.connectivity.RouteException.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

@Timeout(30)
class RouterDispatchTest {
    @TempDir
    Path dir;
    RoutesDatabase db;
    Router router;
    RecordingFactory dbsync = new RecordingFactory();
    RecordingFactory http = new RecordingFactory();

    @BeforeEach
    void createRoutes() throws SQLException {
        db = RoutesDatabase.create(dir);
        router = Router.builder(db.file).interval(Duration.ofMillis(50)).debounce(Duration.ZERO).build();
        router.registerTransport("dbsync", dbsync);
        router.registerTransport("http", http);
    }

    @AfterEach
    void close() throws SQLException {
        router.close();
        db.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private RouteException failure(String service) {
        AtomicReference<RouteException> caught = new AtomicReference<>();
        assertThatThrownBy(() -> router.call(service, null)).isInstanceOfSatisfying(RouteException.class, caught::set);
        assertThat(caught.get().serviceName()).isEqualTo(service);
        assertThat(caught.get().getMessage()).contains(service);
        return caught.get();
    }

    @Test
    void dispatchesEachStrategyToItsHandler() throws Exception {
        db.put("search", "local", null);
        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9443");
        db.put("dbsync:fo-2", "noop", null);
        db.put("billing", "http", "http://127.0.0.1:8080/bill", "{\"timeout_ms\":500}");
        router.registerLocal("search", request -> bytes("found:" + text(request)));
        router.registerLocal("clock", request -> bytes("tick"));
        router.start();

        assertThat(text(router.call("search", bytes("cats")))).isEqualTo("found:cats");
        assertThat(text(router.call("clock", null))).as("no row: served locally").isEqualTo("tick");
        assertThat(router.call("dbsync:fo-2", bytes("ignored"))).isEmpty();
        assertThat(text(router.call("dbsync:fo-1", null))).isEqualTo("127.0.0.1:9443");
        assertThat(text(router.call("billing", bytes("x")))).isEqualTo("http://127.0.0.1:8080/bill");
        assertThat(http.only("http://127.0.0.1:8080/bill").route.config()).isEqualTo("{\"timeout_ms\":500}");
        assertThat(dbsync.only("127.0.0.1:9443").route.config()).isEqualTo("{}");
    }

    @Test
    void aNullRequestReachesTheHandlerAsEmptyAndANullResponseReturnsEmpty() {
        router.registerLocal("svc", request -> request.length == 0 ? null : request);
        router.start();
        assertThat(router.call("svc", null)).isNotNull().isEmpty();
    }

    @Test
    void anUnknownServiceIsItsOwnError() {
        router.start();
        RouteException e = failure("nobody");
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SERVICE);
        assertThat(e.getMessage()).contains("unknown service");
    }

    @Test
    void aStrategyWithoutFactoryIsItsOwnErrorUntilOneIsRegistered() throws Exception {
        db.put("telemetry", "quic", "127.0.0.1:7000");
        db.put("orphan", "local", null);
        router.start();

        RouteException e = failure("telemetry");
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_STRATEGY);
        assertThat(e.strategy()).contains("quic");
        assertThat(e.getMessage()).contains("no transport factory").contains("'quic'");
        assertThat(failure("orphan").reason()).isEqualTo(Reason.UNKNOWN_STRATEGY);

        RecordingFactory quic = new RecordingFactory();
        router.registerTransport("quic", quic);
        assertThat(text(router.call("telemetry", null))).as("registered after start").isEqualTo("127.0.0.1:7000");
        router.registerLocal("orphan", request -> bytes("adopted"));
        assertThat(text(router.call("orphan", null))).isEqualTo("adopted");
    }

    @Test
    void aFactoryFailureIsItsOwnErrorAndSparesTheOtherRoutes() throws Exception {
        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9443");
        db.put("flaky", "mcp", "127.0.0.1:7001");
        db.put("empty", "embed", "x");
        IOException refused = new IOException("connection refused");
        router.registerTransport("mcp", route -> {
            throw refused;
        });
        router.registerTransport("embed", route -> null);
        router.start();

        RouteException e = failure("flaky");
        assertThat(e.reason()).isEqualTo(Reason.FACTORY_FAILED);
        assertThat(e.getCause()).isSameAs(refused);
        assertThat(e.getMessage()).contains("connection refused").contains("127.0.0.1:7001");
        assertThat(failure("empty").reason()).isEqualTo(Reason.FACTORY_FAILED);
        assertThat(text(router.call("dbsync:fo-1", null))).isEqualTo("127.0.0.1:9443");
        assertThat(problems()).extracting(p -> p.get("service_name")).containsExactly("empty", "flaky");
    }

    @Test
    void anInvalidRowIsItsOwnErrorAndSparesTheOtherRoutes() throws Exception {
        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9443");
        db.put("dbsync:fo-2", "dbsync", "");
        db.put("dbsync:fo-3", "dbsync", "127.0.0.1:9445", "not json");
        db.put("svc", "local", null, "[]");
        router.registerLocal("svc", request -> bytes("local"));
        router.start();

        RouteException e = failure("dbsync:fo-2");
        assertThat(e.reason()).isEqualTo(Reason.INVALID_ROUTE);
        assertThat(e.getMessage()).contains("needs an endpoint");
        assertThat(failure("dbsync:fo-3").reason()).isEqualTo(Reason.INVALID_ROUTE);
        assertThat(failure("svc").reason()).as("a bad local row is not bypassed").isEqualTo(Reason.INVALID_ROUTE);
        assertThat(text(router.call("dbsync:fo-1", null))).isEqualTo("127.0.0.1:9443");
        assertThat(dbsync.built).hasSize(1);
        assertThat(problems()).extracting(p -> p.get("service_name")).containsExactly("dbsync:fo-2", "dbsync:fo-3", "svc");
    }

    @Test
    void eachRouteProblemIsLoggedOnceAcrossReloads() throws Exception {
        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9443");
        db.put("dbsync:fo-2", "dbsync", "nowhere");
        db.put("telemetry", "quic", "127.0.0.1:7000");
        try (StderrCapture log = new StderrCapture()) {
            router.start();
            for (int i = 0; i < 3; i++) {
                router.reload();
            }
            assertThat(log.count("WARN")).isEqualTo(2);
            assertThat(log.count("'dbsync:fo-2': endpoint 'nowhere' is not host:port")).isEqualTo(1);
            assertThat(log.count("'telemetry': no transport factory")).isEqualTo(1);
        }
        assertThat(router.status()).containsEntry("reloads", 4L);
    }

    @Test
    void handlerFailuresAreWrappedButDbsyncExceptionsPassUnchanged() throws Exception {
        TransportException reset = new TransportException("127.0.0.1:9443", "stream reset");
        router.registerLocal("io", request -> {
            throw new IOException("disk on fire");
        });
        router.registerLocal("net", request -> {
            throw reset;
        });
        router.start();

        RouteException e = failure("io");
        assertThat(e.reason()).isEqualTo(Reason.HANDLER_FAILED);
        assertThat(e.getCause()).isInstanceOf(IOException.class).hasMessage("disk on fire");
        assertThatThrownBy(() -> router.call("net", null)).isSameAs(reset);
    }

    @Test
    void localAndNoopCannotBeGivenToAFactory() {
        assertThatThrownBy(() -> router.registerTransport("local", dbsync)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> router.registerTransport("noop", dbsync)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> router.registerLocal(" ", r -> r)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void startFailsClearlyWhenTheRoutesTableIsMissing() throws Exception {
        db.exec("DROP TABLE routes");
        assertThatThrownBy(router::start).isInstanceOfSatisfying(RouteException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.ROUTES_UNREADABLE);
            assertThat(e.getMessage()).contains("routes.db").contains("no such table");
        });
        assertThat(router.status()).containsEntry("started", false);
    }

    @Test
    void startFailsPromptlyWhenTheRoutesFileDoesNotExist() {
        Router missing = Router.builder(dir.resolve("absent.db")).interval(Duration.ofMillis(20)).build();
        // the watcher's own first round (its baseline read failed too) must not hold start or
        // close up (closing a watcher waits up to 10 s for its round)
        assertTimeoutPreemptively(Duration.ofSeconds(9), () -> {
            assertThatThrownBy(missing::start).isInstanceOfSatisfying(RouteException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.ROUTES_UNREADABLE));
            missing.close();
        });
        assertThat(missing.status()).containsEntry("started", false).containsEntry("reloads", 0L);
    }

    @Test
    void closeClosesEveryBuiltHandlerOnceAndRefusesLaterCalls() throws Exception {
        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9443");
        db.put("billing", "http", "http://127.0.0.1:8080/bill");
        router.start();
        router.call("dbsync:fo-1", null);

        router.close();
        router.close();
        assertThat(dbsync.only("127.0.0.1:9443").closes).hasValue(1);
        assertThat(http.only("http://127.0.0.1:8080/bill").closes).hasValue(1);
        assertThat(failure("dbsync:fo-1").reason()).isEqualTo(Reason.CLOSED);
        assertThatThrownBy(router::start).isInstanceOf(RouteException.class);
        assertThat(dbsync.callsAfterClose).isEmpty();
    }

    @Test
    void statusListsRoutesProblemsHandlersAndReloads() throws Exception {
        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9443");
        db.put("dbsync:fo-2", "noop", null);
        db.put("dbsync:fo-3", "dbsync", null);
        db.put("search", "local", null);
        db.put("telemetry", "quic", "127.0.0.1:7000");
        router.registerLocal("search", r -> r);
        assertThat(router.lastReloadAt()).isEmpty();
        router.start();

        Map<String, Object> s = router.status();
        assertThat(s).containsEntry("started", true).containsEntry("closed", false).containsEntry("reloads", 1L)
                .containsEntry("reload_failures", 0L).containsKey("last_reload_at").doesNotContainKey("last_error")
                .containsEntry("local_handlers", List.of("search")).containsEntry("strategies", List.of("dbsync", "http"));
        assertThat(router.lastReloadAt()).isPresent();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> routes = (List<Map<String, Object>>) s.get("routes");
        assertThat(routes).extracting(r -> r.get("service_name") + "=" + r.get("state")).containsExactly(
                "dbsync:fo-1=ready", "dbsync:fo-2=paused", "search=ready", "telemetry=no_factory");
        assertThat(routes.get(0)).containsEntry("in_flight", 0).containsEntry("endpoint", "127.0.0.1:9443");
        assertThat(problems()).extracting(p -> p.get("service_name")).containsExactly("dbsync:fo-3", "telemetry");

        String json = new String(dev.dbsync.connectivity.internal.JsonDocuments.write(s), StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\"source\":").contains("\"state\":\"no_factory\"");
        assertThat(dev.dbsync.connectivity.internal.JsonDocuments.objectProblem(json)).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> problems() {
        return (List<Map<String, Object>>) router.status().get("problems");
    }
}
