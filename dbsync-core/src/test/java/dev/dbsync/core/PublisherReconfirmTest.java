package dev.dbsync.core;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.Target;
import dev.dbsync.api.TargetProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A publisher re-confirms its targets: a front office that comes back empty at the same endpoint
 * (a wiped disk, a redeploy) is refilled without a back-office write, and a front office that
 * still serves the snapshot answers {@code skip} without payload. Real publisher on a real
 * source, real subscribers on real files, the TLS-over-TCP test transport on 127.0.0.1.
 */
@Timeout(60)
class PublisherReconfirmTest extends SubscriberContract {
    private static final FilterSpec SPEC = FilterSpec.builder().fullTables("posts").build();
    private static final Duration RECONFIRM = Duration.ofMillis(200);

    @Override
    String transportName() {
        return "tcp-test";
    }

    private Path source() throws Exception {
        Path source = dir.resolve("bo").resolve("bo.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE posts(id INTEGER PRIMARY KEY, body TEXT)");
            s.executeUpdate("INSERT INTO posts(body) VALUES ('current')");
        }
        return source;
    }

    private Publisher publisher(int port, SimpleMeterRegistry meters) throws Exception {
        return Publisher.builder(source(), SPEC, dir.resolve("bo").resolve("public.db"))
                .targets(TargetProvider.of(Target.dbsync("fo-1", "127.0.0.1:" + port))).tls(clientTls())
                .transport(transport()).watchInterval(Duration.ofMillis(50)).debounce(Duration.ZERO)
                .reconfirmInterval(RECONFIRM).meterRegistry(meters).build();
    }

    private static boolean serves(Subscriber s, Publisher p) {
        return p.lastMeta().isPresent()
                && s.servedMeta().map(m -> m.hash().equals(p.lastMeta().get().hash())).orElse(false);
    }

    @Test
    void aFrontOfficeThatComesBackEmptyAtTheSameEndpointIsRefilledWithoutABackOfficeWrite() throws Exception {
        Subscriber a = start();
        int port = a.localAddress().getPort();
        try (Publisher p = publisher(port, new SimpleMeterRegistry())) {
            p.start();
            await("A gets the snapshot", () -> serves(a, p));
            long published = p.lastMeta().map(SnapshotMeta::version).orElseThrow();
            a.close();

            Path emptyDb = dir.resolve("fo-b").resolve("public.db");
            Files.createDirectories(emptyDb.getParent());
            Subscriber b = start(x -> x.dbPath(emptyDb).listen(new InetSocketAddress("127.0.0.1", port)));
            assertThat(b.servedMeta()).as("B starts empty").isEmpty();
            await("B, empty at A's endpoint, gets the snapshot", () -> serves(b, p));
            assertThat(p.lastMeta().map(SnapshotMeta::version).orElseThrow())
                    .as("no back-office write: the same version was sent again").isEqualTo(published);
            try (var c = b.db().orElseThrow().getConnection(); Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT body FROM posts WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("current");
            }
            await("status: up to date, confirmed", () -> Boolean.TRUE.equals(target(p).get("up_to_date")));
            assertThat(target(p)).containsKey("confirmed_at").containsKey("confirmed_age_seconds")
                    .containsEntry("consecutive_failures", 0);
        }
    }

    @Test
    void aFrontOfficeThatStillServesTheSnapshotIsReconfirmedWithoutPayloadOrSwap() throws Exception {
        SimpleMeterRegistry foMeters = new SimpleMeterRegistry();
        Subscriber a = start(x -> x.meterRegistry(foMeters));
        AtomicInteger swaps = new AtomicInteger();
        a.onSwap(swaps::incrementAndGet);
        SimpleMeterRegistry boMeters = new SimpleMeterRegistry();
        try (Publisher p = publisher(a.localAddress().getPort(), boMeters)) {
            p.start();
            await("A gets the snapshot", () -> serves(a, p) && pushes(boMeters) >= 1);
            long received = (long) foMeters.get("dbsync.subscriber.received").counter().count();
            assertThat(received).isPositive();
            long firstPushes = pushes(boMeters);

            await("two re-confirmations", () -> pushes(boMeters) >= firstPushes + 2);
            assertThat(swaps).as("no new swap").hasValue(1);
            assertThat((long) foMeters.get("dbsync.subscriber.received").counter().count())
                    .as("no payload byte received for a re-confirmation").isEqualTo(received);
            assertThat(a.lastRejectReason()).as("skip is not a refusal").isEmpty();
            assertThat(boMeters.find("dbsync.publisher.push.failures").counter()).as("no failure counted").isNull();
            assertThat(target(p)).containsEntry("up_to_date", true).containsEntry("consecutive_failures", 0);
        }
    }

    @Test
    void aFailedReconfirmationIsNotReportedUpToDate() throws Exception {
        Subscriber a = start();
        try (Publisher p = publisher(a.localAddress().getPort(), new SimpleMeterRegistry())) {
            p.start();
            await("A gets the snapshot", () -> serves(a, p));
            await("status: up to date", () -> Boolean.TRUE.equals(target(p).get("up_to_date")));
            a.close();
            await("a re-confirmation fails", () -> ((Integer) target(p).get("consecutive_failures")) > 0);
            assertThat(target(p)).containsEntry("up_to_date", false).containsKey("last_error");
        }
    }

    @Test
    void theReconfirmIntervalMustBePositive() {
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(-1)}) {
            assertThatThrownBy(() -> Publisher.builder(dir.resolve("x.db"), SPEC, dir.resolve("p.db"))
                    .targets(TargetProvider.of()).tls(clientTls()).transport(transport()).reconfirmInterval(d).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(d.toString());
        }
        assertThat(Publisher.Builder.DEFAULT_RECONFIRM_INTERVAL).isEqualTo(Duration.ofSeconds(30));
    }

    private static long pushes(SimpleMeterRegistry meters) {
        var t = meters.find("dbsync.publisher.push.duration").tag("outcome", "ok").timer();
        return t == null ? 0 : t.count();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> target(Publisher p) {
        return (Map<String, Object>) ((Map<String, Object>) p.status().get("targets")).get("fo-1");
    }
}
