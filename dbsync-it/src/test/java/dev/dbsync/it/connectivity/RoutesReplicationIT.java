package dev.dbsync.it.connectivity;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.connectivity.Router;
import dev.dbsync.connectivity.RoutesPublisher;
import dev.dbsync.connectivity.RoutesSchema;
import dev.dbsync.connectivity.StatusFactory;
import dev.dbsync.core.Publisher;
import dev.dbsync.core.Subscriber;
import dev.dbsync.core.Transports;
import dev.dbsync.testkit.TestPki;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A publisher on a routes table, end to end over every available transport: front offices
 * added, paused, resumed and removed by editing rows, without restart; and sync health through
 * the router's dbsync strategy.
 */
@Timeout(180)
class RoutesReplicationIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    static Stream<String> transports() {
        return Transports.all().stream().filter(Transport::isAvailable).map(Transport::name);
    }

    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    private static void exec(Path db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static boolean serves(Subscriber s, Publisher p) {
        return p.lastMeta().map(m -> s.servedMeta().map(SnapshotMeta::hash).orElse("").equals(m.hash())).orElse(false);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void routesTableDrivesTargetsWithoutRestart(String transportName) throws Exception {
        Transport transport = Transports.named(transportName);
        Path bo = dir.resolve("bo.db");
        Path routes = dir.resolve("routes.db");
        exec(bo, "CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT, public INTEGER)");
        exec(bo, "INSERT INTO posts(body, public) VALUES ('hello', 1)");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + routes)) {
            RoutesSchema.init(c);
        }
        TestPki pki = TestPki.create(dir.resolve("pki"), "ca");
        TestPki.Issued fo = pki.server("fo");
        TlsSettings server = TlsSettings.server(fo.certFile(), fo.keyFile());
        FilterSpec spec = FilterSpec.builder().filteredTable("posts", "public = 1").build();
        try (Subscriber fo1 = Subscriber.builder().dbPath(dir.resolve("fo1.db"))
                .listen(new InetSocketAddress("127.0.0.1", 0)).tls(server).transport(transport).build().start();
             Subscriber fo2 = Subscriber.builder().dbPath(dir.resolve("fo2.db"))
                .listen(new InetSocketAddress("127.0.0.1", 0)).tls(server).transport(transport).build().start()) {
            String ep1 = "127.0.0.1:" + fo1.localAddress().getPort();
            String ep2 = "127.0.0.1:" + fo2.localAddress().getPort();
            exec(routes, "INSERT INTO routes(service_name, strategy, endpoint) VALUES ('dbsync:fo-1', 'dbsync', '" + ep1 + "')");
            try (Publisher pub = RoutesPublisher.builder(bo, routes, spec, dir.resolve("public.db"))
                    .tls(TlsSettings.clientWithCa(pki.caFile())).transport(transport)
                    .watchInterval(Duration.ofMillis(50)).debounce(Duration.ofMillis(20))
                    .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(300)).build();
                 Router router = Router.builder(routes).interval(Duration.ofMillis(50)).build()) {
                pub.start();
                router.registerTransport("dbsync", StatusFactory.forPublisher(pub));
                router.start();
                assertThat(eventually(() -> serves(fo1, pub))).as("initial target from the table").isTrue();

                exec(routes, "INSERT INTO routes(service_name, strategy, endpoint) VALUES ('dbsync:fo-2', 'dbsync', '" + ep2 + "')");
                assertThat(eventually(() -> serves(fo2, pub))).as("added row").isTrue();

                exec(routes, "UPDATE routes SET strategy = 'noop' WHERE service_name = 'dbsync:fo-2'");
                Thread.sleep(300);
                long paused = fo2.version();
                exec(bo, "INSERT INTO posts(body, public) VALUES ('news', 1)");
                assertThat(eventually(() -> serves(fo1, pub))).isTrue();
                Thread.sleep(300);
                assertThat(fo2.version()).as("paused row receives nothing").isEqualTo(paused);

                exec(routes, "UPDATE routes SET strategy = 'dbsync' WHERE service_name = 'dbsync:fo-2'");
                assertThat(eventually(() -> serves(fo2, pub))).as("resumed row catches up").isTrue();

                String health = new String(router.call("dbsync:fo-1", null), StandardCharsets.UTF_8);
                assertThat(health).contains("\"status\":\"ok\"").contains("\"role\":\"publisher\"")
                        .contains("\"endpoint\":\"" + ep1 + "\"").contains("\"last_snapshot\"");

                exec(routes, "DELETE FROM routes WHERE service_name = 'dbsync:fo-1'");
                assertThat(eventually(() -> pub.deliveries().stream()
                        .noneMatch(d -> d.target().name().equals("dbsync:fo-1")))).as("removed row").isTrue();
                long removedAt = fo1.version();
                exec(bo, "INSERT INTO posts(body, public) VALUES ('later', 1)");
                assertThat(eventually(() -> serves(fo2, pub))).isTrue();
                assertThat(fo1.version()).isEqualTo(removedAt);
            }
        }
    }
}
