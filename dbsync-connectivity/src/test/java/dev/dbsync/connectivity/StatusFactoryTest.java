package dev.dbsync.connectivity;

import dev.dbsync.connectivity.RouteException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class StatusFactoryTest {
    @TempDir
    Path dir;

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Route route(String endpoint) {
        return new Route("dbsync:fo-1", "dbsync", endpoint, "{}", 0);
    }

    @Test
    void answersTheSuppliedStatusWithStatusOkAsJson() throws Exception {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("last_version", 7L);
        status.put("hash", "ab\"c\n");
        status.put("compressed", true);
        status.put("ratio", 0.5);
        status.put("nan", Double.NaN);
        status.put("stale", null);
        status.put("since", Optional.empty());
        status.put("lag", Optional.of(3));
        status.put("targets", List.of("fo-1", "fo-2"));
        status.put("versions", new long[] {1, 2});
        status.put("last", Map.of("ok", false));
        status.put("status", "overridden");
        status.put("unit", Reason.CLOSED);
        status.put("every", Duration.ofSeconds(2));

        byte[] json = StatusFactory.of(() -> status).create(route("127.0.0.1:9443")).handle(new byte[0]);

        assertThat(text(json)).isEqualTo("{\"last_version\":7,\"hash\":\"ab\\\"c\\n\",\"compressed\":true,\"ratio\":0.5,"
                + "\"nan\":\"NaN\",\"stale\":null,\"since\":null,\"lag\":3,\"targets\":[\"fo-1\",\"fo-2\"],"
                + "\"versions\":[1,2],\"last\":{\"ok\":false},\"status\":\"ok\",\"unit\":\"CLOSED\",\"every\":\"PT2S\"}");
    }

    @Test
    void readsTheStatusAgainOnEveryCallThroughTheRouter() throws Exception {
        AtomicLong version = new AtomicLong(1);
        try (RoutesDatabase db = RoutesDatabase.create(dir);
             Router router = Router.builder(db.file).interval(Duration.ofMillis(50)).build()) {
            db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9443");
            db.put("dbsync:fo-2", "dbsync", "127.0.0.1:9444");
            router.registerTransport("dbsync", StatusFactory.forRoute(r -> {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("last_version", version.get());
                s.put("endpoint", r.endpoint());
                return s;
            }));
            router.start();

            assertThat(text(router.call("dbsync:fo-1", null)))
                    .isEqualTo("{\"last_version\":1,\"endpoint\":\"127.0.0.1:9443\",\"status\":\"ok\"}");
            version.set(2);
            assertThat(text(router.call("dbsync:fo-2", null)))
                    .isEqualTo("{\"last_version\":2,\"endpoint\":\"127.0.0.1:9444\",\"status\":\"ok\"}");
        }
    }

    @Test
    void aFailingSupplierFailsTheCallAsAHandlerFailure() throws Exception {
        try (RoutesDatabase db = RoutesDatabase.create(dir);
             Router router = Router.builder(db.file).build()) {
            db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9443");
            db.put("dbsync:fo-2", "dbsync", "127.0.0.1:9444");
            router.registerTransport("dbsync", StatusFactory.forRoute(r -> {
                if (r.endpoint().endsWith("9443")) {
                    throw new IllegalStateException("publisher not started");
                }
                return null;
            }));
            router.start();
            assertThatThrownBy(() -> router.call("dbsync:fo-1", null)).isInstanceOfSatisfying(RouteException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.HANDLER_FAILED);
                assertThat(e.getMessage()).contains("publisher not started");
            });
            assertThatThrownBy(() -> router.call("dbsync:fo-2", null)).isInstanceOfSatisfying(RouteException.class,
                    e -> assertThat(e.getMessage()).contains("returned null"));
        }
    }

    @Test
    void refusesACyclicStatus() throws Exception {
        Map<String, Object> cyclic = new LinkedHashMap<>();
        cyclic.put("self", cyclic);
        ServiceHandler h = StatusFactory.of(() -> cyclic).create(route("127.0.0.1:1"));
        assertThatThrownBy(() -> h.handle(new byte[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nests deeper");
    }
}
