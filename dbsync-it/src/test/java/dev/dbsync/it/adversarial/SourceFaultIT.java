package dev.dbsync.it.adversarial;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.Target;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.core.Publisher;
import dev.dbsync.core.Subscriber;
import dev.dbsync.core.Transports;
import dev.dbsync.testkit.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Faults of the back office's source database: locked during production (retried, nothing
 * partial published), corrupted or deleted (reported, and the last good snapshot is still
 * delivered to retries and to new front offices).
 */
@Tag("adversarial")
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SourceFaultIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final FilterSpec SPEC = FilterSpec.builder().fullTables("t").build();

    @TempDir
    Path dir;
    private Path source;
    private TestPki pki;
    private TestPki.Issued bo;
    private TestPki.Issued fo;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final AtomicReference<List<Target>> targets = new AtomicReference<>(List.of());

    @BeforeEach
    void sourceInRollbackJournalMode() throws Exception {
        source = dir.resolve("bo.db");
        SnapshotFiles.create(source, 1, 256 * 1024); // journal_mode=DELETE: an exclusive lock blocks readers
        pki = TestPki.create(dir.resolve("pki"), "ca");
        bo = pki.client("bo");
        fo = pki.server("fo");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : running) {
            c.close();
        }
    }

    private Subscriber subscriber(String name) {
        Subscriber s = Subscriber.builder().dbPath(dir.resolve(name).resolve("public.db"))
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .tls(TlsSettings.mutualServer(fo.certFile(), fo.keyFile(), pki.caFile()))
                .transport(Transports.named("netty")).minFreeSpace(0).build().start();
        running.add(0, s);
        targets.updateAndGet(l -> {
            List<Target> more = new ArrayList<>(l);
            more.add(Target.dbsync(name, "127.0.0.1:" + s.localAddress().getPort()));
            return more;
        });
        return s;
    }

    private Publisher publisher() {
        Publisher p = Publisher.builder(source, SPEC, dir.resolve("save").resolve("public.db"))
                .targets(targets::get).tls(TlsSettings.mutualClient(pki.caFile(), bo.certFile(), bo.keyFile()))
                .transport(Transports.named("netty")).watchInterval(Duration.ofMillis(50)).debounce(Duration.ofMillis(20))
                .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(400)).build();
        running.add(0, p);
        p.start();
        return p;
    }

    private static boolean serves(Subscriber s, Publisher p) {
        return p.lastMeta().isPresent()
                && p.lastMeta().map(SnapshotMeta::hash).equals(s.servedMeta().map(SnapshotMeta::hash));
    }

    private static long servedRows(Subscriber s) throws Exception {
        try (Connection c = s.db().orElseThrow().getConnection()) {
            return SnapshotFiles.wholeVersion(c);
        }
    }

    @Test
    void aLockedSourceIsRetriedAndNothingPartialIsPublished() throws Exception {
        long hold = Boolean.getBoolean("dbsync.stress") ? 13_000 : 2_000; // past the producer's 10 s busy timeout under stress
        Subscriber fo1 = subscriber("fo1");
        Publisher p = publisher();
        assertThat(Poll.until(WAIT, () -> serves(fo1, p))).isTrue();
        SnapshotMeta before = p.lastMeta().orElseThrow();
        try (ContinuousReader reader = new ContinuousReader("fo1-reader", fo1.db().orElseThrow(), v -> v == 1 || v == 2, 1)) {
            try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + source);
                 Statement s = writer.createStatement()) {
                s.execute("BEGIN EXCLUSIVE");
                s.execute("UPDATE t SET v = 2");
                Thread.sleep(hold);
                assertThat(p.lastMeta()).as("nothing published while the source is locked").contains(before);
                s.execute("COMMIT");
            }
            assertThat(Poll.until(WAIT, () -> fo1.version() > before.version() && serves(fo1, p))).isTrue();
            assertThat(servedRows(fo1)).as("the whole committed change, nothing partial").isEqualTo(2);
            assertThat(reader.failures()).as("reads failed: %s", reader.firstFailure()).isZero();
        }
        assertThat(p.status()).doesNotContainKey("last_error");
        assertThat(HostilePushIT.files(dir.resolve("save"))).containsExactly("public.db", "public.db.lock", "public.db.meta.json");
    }

    @Test
    void aCorruptedSourceIsReportedAndTheLastGoodSnapshotIsStillDelivered() throws Exception {
        Subscriber fo1 = subscriber("fo1");
        Publisher p = publisher();
        assertThat(Poll.until(WAIT, () -> serves(fo1, p))).isTrue();
        SnapshotMeta good = p.lastMeta().orElseThrow();
        try (RandomAccessFile f = new RandomAccessFile(source.toFile(), "rw")) {
            f.seek(0);
            f.write("this is no longer a database, nor are the pages after it".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            f.setLength(f.length() + 4096);
        }
        assertReportedAndLastGoodStillDelivered(p, good, fo1);
    }

    @Test
    void aDeletedSourceIsReportedAndTheLastGoodSnapshotIsStillDelivered() throws Exception {
        Subscriber fo1 = subscriber("fo1");
        Publisher p = publisher();
        assertThat(Poll.until(WAIT, () -> serves(fo1, p))).isTrue();
        SnapshotMeta good = p.lastMeta().orElseThrow();
        Files.delete(source);
        assertReportedAndLastGoodStillDelivered(p, good, fo1);
    }

    private void assertReportedAndLastGoodStillDelivered(Publisher p, SnapshotMeta good, Subscriber fo1) throws Exception {
        assertThat(Poll.until(WAIT, () -> p.status().containsKey("source_error")))
                .as("the publisher reports the broken source: %s", p.status()).isTrue();
        assertThat(String.valueOf(p.status().get("source_error"))).contains(source.toString());
        assertThatThrownBy(p::ping).hasMessageContaining(source.toString());
        assertThat(p.lastMeta()).contains(good);
        Subscriber late = subscriber("late");
        assertThat(Poll.until(WAIT, () -> serves(late, p))).as("a new front office gets the last good snapshot").isTrue();
        assertThat(servedRows(late)).isEqualTo(1);
        assertThat(fo1.servedMeta().orElseThrow().hash()).isEqualTo(good.hash());
    }
}
