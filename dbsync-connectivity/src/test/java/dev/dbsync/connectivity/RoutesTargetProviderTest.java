package dev.dbsync.connectivity;

import dev.dbsync.api.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class RoutesTargetProviderTest {
    @TempDir
    Path dir;
    RoutesDatabase db;
    RoutesTargetProvider provider;

    @BeforeEach
    void createRoutes() throws SQLException {
        db = RoutesDatabase.create(dir);
        provider = RoutesTargetProvider.open(db.file);
    }

    @AfterEach
    void closeRoutes() throws SQLException {
        db.close();
    }

    @Test
    void listsTheDbsyncAndNoopFrontOfficesOnly() throws Exception {
        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9443");
        db.put("dbsync:fo-2", "noop", null);
        db.put("dbsync:fo-3", "noop", "10.0.0.3:9443");
        db.put("dbsync:fo-4", "dbsync", " [::1]:9444 ");
        db.put("dbsync:api", "http", "http://bo/api");
        db.put("search", "local", null);
        db.put("fo-5", "dbsync", "127.0.0.1:9445");        // not named dbsync:…
        db.put("mirror:dbsync:x", "dbsync", "127.0.0.1:1"); // LIKE is anchored

        assertThat(provider.targets()).containsExactly(
                new Target("dbsync:fo-1", "dbsync", "127.0.0.1:9443"),
                new Target("dbsync:fo-2", "noop", ""),
                new Target("dbsync:fo-3", "noop", "10.0.0.3:9443"),
                new Target("dbsync:fo-4", "dbsync", "[::1]:9444"));
        assertThat(provider.targets().get(1).paused()).isTrue();
        assertThat(provider.problems()).isEmpty();
    }

    @Test
    void anEmptyTableHasNoTargets() {
        assertThat(provider.targets()).isEmpty();
    }

    @Test
    void seesEveryChangeWithoutRestart() throws Exception {
        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9443");
        assertThat(provider.targets()).extracting(Target::name).containsExactly("dbsync:fo-1");
        db.put("dbsync:fo-2", "dbsync", "127.0.0.1:9444");
        assertThat(provider.targets()).extracting(Target::name).containsExactly("dbsync:fo-1", "dbsync:fo-2");
        db.update("dbsync:fo-1", "strategy", "noop");
        assertThat(provider.targets()).extracting(Target::paused).containsExactly(true, false);
        db.update("dbsync:fo-1", "strategy", "dbsync");
        db.delete("dbsync:fo-2");
        assertThat(provider.targets()).containsExactly(Target.dbsync("dbsync:fo-1", "127.0.0.1:9443"));
    }

    @Test
    void badRowsAreReportedPerRowAndTheGoodOnesStillServed() throws Exception {
        db.put("dbsync:good", "dbsync", "127.0.0.1:9443");
        db.put("dbsync:paused", "noop", null);
        db.put("dbsync:no-endpoint", "dbsync", null);
        db.put("dbsync:blank-endpoint", "dbsync", "  ");
        db.put("dbsync:no-port", "dbsync", "fo.example");
        db.put("dbsync:bad-port", "dbsync", "fo.example:https");
        db.put("dbsync:port-range", "dbsync", "fo.example:70000");
        db.put("dbsync:bad-json", "dbsync", "127.0.0.1:1", "{oops");
        db.put("dbsync:json-array", "dbsync", "127.0.0.1:2", "[1,2]");
        db.put("dbsync:json-trailing", "dbsync", "127.0.0.1:3", "{} {}");
        db.put("dbsync:json-duplicate", "noop", null, "{\"a\":1,\"a\":2}");
        db.put("dbsync:json-ok", "dbsync", "127.0.0.1:4", "{\"retries\":3,\"tags\":[\"eu\"]}");

        assertThat(provider.targets()).extracting(Target::name)
                .containsExactly("dbsync:good", "dbsync:json-ok", "dbsync:paused");
        List<RouteProblem> problems = provider.problems();
        assertThat(problems).extracting(RouteProblem::serviceName).containsExactly(
                "dbsync:bad-json", "dbsync:bad-port", "dbsync:blank-endpoint", "dbsync:json-array",
                "dbsync:json-duplicate", "dbsync:json-trailing", "dbsync:no-endpoint", "dbsync:no-port",
                "dbsync:port-range");
        assertThat(reason(problems, "dbsync:no-endpoint")).contains("needs an endpoint");
        assertThat(reason(problems, "dbsync:no-port")).contains("fo.example").contains("host:port");
        assertThat(reason(problems, "dbsync:bad-port")).contains("non-numeric port");
        assertThat(reason(problems, "dbsync:port-range")).contains("70000");
        assertThat(reason(problems, "dbsync:bad-json")).contains("config is not valid JSON");
        assertThat(reason(problems, "dbsync:json-array")).contains("not a JSON object");
        assertThat(reason(problems, "dbsync:json-trailing")).contains("content after");
        assertThat(reason(problems, "dbsync:json-duplicate")).contains("not valid JSON").contains("a");
    }

    @Test
    void eachDistinctProblemIsLoggedOnceWhileItLasts() throws Exception {
        db.put("dbsync:good", "dbsync", "127.0.0.1:9443");
        db.put("dbsync:broken", "dbsync", "");
        try (StderrCapture log = new StderrCapture()) {
            for (int i = 0; i < 5; i++) {
                assertThat(provider.targets()).hasSize(1);
            }
            assertThat(log.count("WARN")).isEqualTo(1);
            assertThat(log.count("'dbsync:broken'")).isEqualTo(1);

            db.update("dbsync:broken", "endpoint", "127.0.0.1:9444");
            assertThat(provider.targets()).hasSize(2);
            db.update("dbsync:broken", "endpoint", "nope");
            assertThat(provider.targets()).hasSize(1);
            assertThat(provider.targets()).hasSize(1);
            assertThat(log.count("WARN")).as("a problem that comes back is logged again").isEqualTo(2);
        }
    }

    @Test
    void aMissingTableFailsWithAClearRouteException() throws Exception {
        db.exec("DROP TABLE routes");
        assertThatThrownBy(provider::targets).isInstanceOfSatisfying(RouteException.class, e -> {
            assertThat(e.reason()).isEqualTo(RouteException.Reason.ROUTES_UNREADABLE);
            assertThat(e.getMessage()).contains("routes.db").contains("no such table");
        });
    }

    @Test
    void readsThroughAnyConnectionSource() throws Exception {
        db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9443");
        RoutesTargetProvider viaSource = new RoutesTargetProvider(ConnectionSource.readOnly(db.file), "routes");
        assertThat(viaSource.targets()).containsExactly(Target.dbsync("dbsync:fo-1", "127.0.0.1:9443"));
        assertThat(viaSource).hasToString("RoutesTargetProvider[routes]");
    }

    private static String reason(List<RouteProblem> problems, String service) {
        return problems.stream().filter(p -> p.serviceName().equals(service)).findFirst().orElseThrow().reason();
    }
}
