package dev.dbsync.it.adversarial;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.Target;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.core.Publisher;
import dev.dbsync.core.Subscriber;
import dev.dbsync.core.Transports;
import dev.dbsync.testkit.TestPki;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One publisher, many front offices, consecutive versions, with a reader querying each front
 * office without pause: every front office ends on the last version and no query fails.
 * Prints the readers' latency percentiles and the bytes sent (a measurement, not an
 * assertion). {@code verify}: 8 front offices x 5 versions x 2 MB; {@code -Pstress}: 32 x 50 x
 * 20 MB.
 */
@Tag("adversarial")
@Timeout(value = 3600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoadIT {
    private static final Logger LOG = LoggerFactory.getLogger(LoadIT.class);
    private static final boolean STRESS = Boolean.getBoolean("dbsync.stress");
    private static final int SUBSCRIBERS = STRESS ? 32 : 8;
    private static final int VERSIONS = STRESS ? 50 : 5;
    private static final long SNAPSHOT_BYTES = STRESS ? 20L << 20 : 2L << 20;
    private static final Duration WAIT = Duration.ofMinutes(STRESS ? 10 : 2);

    @TempDir
    Path dir;

    @Test
    void everyFrontOfficeEndsOnTheLastVersionAndNoQueryFails() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"), "ca");
        TestPki.Issued fo = pki.server("fo");
        TestPki.Issued bo = pki.client("bo");
        Path source = dir.resolve("bo.db");
        SnapshotFiles.create(source, 0, SNAPSHOT_BYTES);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
        }
        List<Subscriber> subs = new ArrayList<>();
        List<SimpleMeterRegistry> meters = new ArrayList<>();
        List<ContinuousReader> readers = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        Publisher publisher = null;
        long started;
        long elapsed;
        try {
            for (int i = 0; i < SUBSCRIBERS; i++) {
                SimpleMeterRegistry m = new SimpleMeterRegistry();
                Subscriber s = Subscriber.builder().dbPath(dir.resolve("fo" + i).resolve("public.db"))
                        .listen(new InetSocketAddress("127.0.0.1", 0))
                        .tls(TlsSettings.mutualServer(fo.certFile(), fo.keyFile(), pki.caFile()))
                        .transport(Transports.named("netty")).minFreeSpace(0).meterRegistry(m).build().start();
                subs.add(s);
                meters.add(m);
                targets.add(Target.dbsync("fo" + i, "127.0.0.1:" + s.localAddress().getPort()));
            }
            publisher = Publisher.builder(source, FilterSpec.builder().fullTables("t").build(),
                            dir.resolve("save").resolve("public.db"))
                    .targets(TargetProvider.of(targets.toArray(Target[]::new)))
                    .tls(TlsSettings.mutualClient(pki.caFile(), bo.certFile(), bo.keyFile()))
                    .transport(Transports.named("netty")).watchInterval(Duration.ofMillis(50))
                    .debounce(Duration.ofMillis(20)).retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2)).build();
            publisher.start();
            assertThat(publisher.awaitDelivery(WAIT)).as("initial delivery").isTrue();
            for (int i = 0; i < SUBSCRIBERS; i++) {
                readers.add(new ContinuousReader("fo" + i + "-reader", subs.get(i).db().orElseThrow(),
                        v -> v >= 0 && v <= VERSIONS, 1));
            }
            double initialBytes = received(meters);
            started = System.nanoTime();
            for (int v = 1; v <= VERSIONS; v++) {
                long before = publisher.lastMeta().orElseThrow().version();
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
                    s.execute("UPDATE t SET v = " + v);
                }
                Publisher p = publisher;
                assertThat(Poll.until(WAIT, () -> p.lastMeta().orElseThrow().version() > before)).isTrue();
                assertThat(publisher.awaitDelivery(WAIT)).as("version %d delivered to all", v).isTrue();
                LOG.info("LOAD-PROGRESS version {} of {} delivered to {} front offices after {} s, {} payload bytes", v,
                        VERSIONS, SUBSCRIBERS, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
                        (long) (received(meters) - initialBytes));
            }
            elapsed = System.nanoTime() - started;
            for (ContinuousReader r : readers) {
                r.close();
            }
            SnapshotMeta last = publisher.lastMeta().orElseThrow();
            for (Subscriber s : subs) {
                assertThat(s.servedMeta()).contains(last.withCompressed(false));
                try (Connection c = s.db().orElseThrow().getConnection()) {
                    assertThat(SnapshotFiles.wholeVersion(c)).isEqualTo(VERSIONS);
                }
            }
            long failures = readers.stream().mapToLong(ContinuousReader::failures).sum();
            long queries = readers.stream().mapToLong(ContinuousReader::queries).sum();
            List<Long> lat = new ArrayList<>();
            readers.forEach(r -> lat.addAll(r.latencies()));
            Collections.sort(lat);
            double bytes = received(meters) - initialBytes;
            double swaps = meters.stream().mapToDouble(m -> m.get("dbsync.subscriber.swaps").counter().count()).sum();
            String figures = String.format("LOAD subscribers=%d versions=%d snapshot=%d bytes; swaps=%.0f (initial delivery "
                            + "included); payload bytes received for the versions=%.0f (%.1f MB/s); elapsed=%.1f s; queries=%d failed=%d; latency ms p50=%.2f "
                            + "p99=%.2f max=%.2f", SUBSCRIBERS, VERSIONS, last.size(), swaps, bytes,
                    bytes / 1e6 / (elapsed / 1e9), elapsed / 1e9, queries, failures, ms(lat, 0.50), ms(lat, 0.99),
                    ms(lat, 1.0));
            LOG.info(figures);
            System.out.println(figures);
            assertThat(failures).as("failed queries; first: %s", readers.stream().filter(r -> r.failures() > 0)
                    .map(ContinuousReader::firstFailure).findFirst().orElse("-")).isZero();
            assertThat(queries).isPositive();
        } finally {
            for (ContinuousReader r : readers) {
                r.close();
            }
            if (publisher != null) {
                publisher.close();
            }
            subs.forEach(Subscriber::close);
        }
    }

    private static double received(List<SimpleMeterRegistry> meters) {
        return meters.stream().mapToDouble(m -> m.get("dbsync.subscriber.received").counter().count()).sum();
    }

    private static double ms(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(q * sorted.size()) - 1));
        return sorted.get(i) / (double) TimeUnit.MILLISECONDS.toNanos(1);
    }
}
