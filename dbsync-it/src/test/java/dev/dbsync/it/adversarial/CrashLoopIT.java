package dev.dbsync.it.adversarial;

import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.core.PushResult;
import dev.dbsync.core.SnapshotPusher;
import dev.dbsync.core.Transports;
import dev.dbsync.testkit.TestPki;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGKILL at random moments: a front office in a child JVM while it receives and swaps, a
 * back office in a child JVM while it produces snapshots. After each restart the database
 * (or the save path) is complete, passes {@code integrity_check} and matches its persisted
 * meta, old or new; an acknowledged snapshot is never lost. {@value #VERIFY_ITERATIONS}
 * iterations each in {@code verify}, {@value #STRESS_ITERATIONS} under {@code -Pstress}.
 */
@Tag("adversarial")
@Timeout(value = 900, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrashLoopIT {
    static final int VERIFY_ITERATIONS = 5;
    static final int STRESS_ITERATIONS = 50;
    private static final Logger LOG = LoggerFactory.getLogger(CrashLoopIT.class);
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    static int iterations() {
        return Boolean.getBoolean("dbsync.stress") ? STRESS_ITERATIONS : VERIFY_ITERATIONS;
    }

    /**
     * Spreads the kills over 0 to 1.5 times the duration of the operation (a golden-ratio
     * sequence, so that a few iterations already cover early, middle and late kills), with
     * random jitter.
     */
    static long killDelay(int iteration, long millis, Random random) {
        double fraction = (iteration * 0.6180339887) % 1.0;
        double jitter = (random.nextDouble() - 0.5) * 0.1;
        return Math.max(0, (long) (millis * 1.5 * Math.min(1.0, Math.max(0.0, fraction + jitter))));
    }

    private static void warmUp(SnapshotPusher pusher, int port, Path bodir, long version) throws Exception {
        Path file = bodir.resolve("small.db");
        Files.deleteIfExists(file);
        SnapshotMeta small = SnapshotFiles.create(file, version, 32 * 1024);
        assertThat(pusher.push(new Endpoint("127.0.0.1", port), small, file).servedVersion()).isEqualTo(version);
    }

    @Test
    void aSubscriberKilledDuringReceiveOrSwapRestartsOnACompleteDatabaseMatchingItsMeta() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"), "ca");
        TestPki.Issued fo = pki.server("fo");
        TestPki.Issued bo = pki.client("bo");
        SnapshotPusher pusher = SnapshotPusher.builder().transport(Transports.named("netty"))
                .tls(TlsSettings.mutualClient(pki.caFile(), bo.certFile(), bo.keyFile()))
                // a SIGKILLed peer sends no close: the push learns of it when the connection idles out
                .options(TransportOptions.builder().idleTimeout(Duration.ofSeconds(3)).keepAlive(Duration.ofSeconds(1))
                        .build()).build();
        Path db = Files.createDirectories(dir.resolve("fo")).resolve("public.db");
        Path meta = db.resolveSibling("public.db.meta.json");
        Path bodir = Files.createDirectories(dir.resolve("bo"));
        String[] args = {db.toString(), fo.certFile().toString(), fo.keyFile().toString(), pki.caFile().toString()};
        Random random = new Random(Long.getLong("dbsync.seed", System.nanoTime()));
        Map<String, Integer> outcomes = new TreeMap<>();
        ExecutorService pushes = Executors.newSingleThreadExecutor();
        ChildJvm child = ChildJvm.start(SubscriberProcess.class, dir.resolve("fo.log"), 0, args);
        try {
            child.awaitLine("SERVING", START);
            int port = Integer.parseInt(child.awaitLine("LISTENING", START));
            // undisturbed pushes, to learn how long a push to a warmed-up child takes here
            long pushMillis = 0;
            long version = 0;
            for (int n = 0; n < 2; n++) {
                warmUp(pusher, port, bodir, ++version);
                Path file = bodir.resolve("big.db");
                Files.deleteIfExists(file);
                SnapshotMeta big = SnapshotFiles.create(file, ++version, 4 << 20);
                long t0 = System.nanoTime();
                pusher.push(new Endpoint("127.0.0.1", port), big, file);
                pushMillis = Math.max(20, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
            LOG.info("a push takes {} ms", pushMillis);
            long served = version;
            for (int i = 1; i <= iterations(); i++) {
                // every child is a fresh JVM: warm it up with a small push, then kill it during a big one
                warmUp(pusher, port, bodir, ++version);
                long warm = version;
                Path file = bodir.resolve("big.db");
                Files.deleteIfExists(file);
                SnapshotMeta next = SnapshotFiles.create(file, ++version, 4 << 20);
                long delay = killDelay(i, pushMillis, random);
                int target = port;
                Future<PushResult> push = pushes.submit(() -> pusher.push(new Endpoint("127.0.0.1", target), next, file));
                Thread.sleep(delay);
                child.kill();
                boolean acked;
                try {
                    acked = push.get(60, TimeUnit.SECONDS).outcome() == PushResult.Outcome.SWAPPED;
                } catch (java.util.concurrent.ExecutionException e) {
                    acked = false;
                }
                child = ChildJvm.start(SubscriberProcess.class, dir.resolve("fo.log"), 0, args);
                String[] serving = child.awaitLine("SERVING", START).split(" ");
                port = Integer.parseInt(child.awaitLine("LISTENING", START));
                long now = Long.parseLong(serving[0]);
                PersistedMeta persisted = PersistedMeta.read(meta).orElseThrow(() -> new AssertionError("no meta"));
                persisted.assertDescribes(db);
                assertThat(persisted.version()).as("iteration %d: served version after the kill", i)
                        .isIn(warm, next.version());
                assertThat(now).as("the restarted subscriber serves what its meta says").isEqualTo(persisted.version());
                assertThat(serving[1]).isEqualTo(persisted.hash());
                if (acked) {
                    assertThat(now).as("iteration %d: an acknowledged snapshot survives the kill", i)
                            .isEqualTo(next.version());
                }
                assertThat(HostilePushIT.files(db.getParent())).as("temp files are removed at restart")
                        .containsExactly("public.db", "public.db.lock", "public.db.meta.json");
                String outcome = (now == next.version() ? "new" : "old") + (acked ? ", acked" : ", not acked");
                outcomes.merge(outcome, 1, Integer::sum);
                served = now;
            }
            assertThat(served).isPositive();
        } finally {
            child.close();
            pushes.shutdownNow();
        }
        LOG.info("subscriber crash loop: {} kills, outcomes {}", iterations(), outcomes);
        System.out.println("CRASH-LOOP subscriber kills=" + iterations() + " outcomes=" + outcomes);
        assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(iterations());
    }

    @Test
    void aPublisherThatCrashedBetweenTheRenameAndTheMetaCommitRestoresTheRenamedSnapshot() throws Exception {
        // regression: the save path was renamed before its meta was written, so a crash in between
        // left a complete snapshot that no meta described; the restarted publisher had nothing to
        // deliver until it could produce again (and nothing at all with a broken source)
        TestPki pki = TestPki.create(dir.resolve("pki"), "ca");
        TestPki.Issued fo = pki.server("fo");
        TestPki.Issued bo = pki.client("bo");
        Path source = dir.resolve("bo.db");
        SnapshotFiles.create(source, 1, 64 * 1024);
        Path save = Files.createDirectories(dir.resolve("save")).resolve("public.db");
        dev.dbsync.api.FilterSpec spec = dev.dbsync.api.FilterSpec.builder().fullTables("t").build();
        SnapshotMeta first;
        try (dev.dbsync.core.Publisher p = dev.dbsync.core.Publisher.builder(source, spec, save)
                .targets(dev.dbsync.api.TargetProvider.of()).tls(TlsSettings.clientWithCa(pki.caFile()))
                .transport(Transports.named("netty")).build()) {
            p.start();
            assertThat(Poll.until(START, () -> p.lastMeta().isPresent())).isTrue();
            first = p.lastMeta().orElseThrow();
        }
        // the state a crash leaves after the rename of the next snapshot and before its meta is committed
        Path next = dir.resolve("next.db");
        SnapshotFiles.create(next, 2, 64 * 1024);
        SnapshotMeta renamed = new SnapshotMeta(first.version() + 1, SnapshotFiles.sha256(next), Files.size(next),
                first.timestamp(), false);
        // the pending meta records what the snapshot was produced from, as the committed one does
        String committed = Files.readString(save.resolveSibling("public.db.meta.json"));
        java.util.regex.Matcher origin = java.util.regex.Pattern.compile(",\"spec_sha256\":.*(?=})").matcher(committed);
        assertThat(origin.find()).as("the committed meta records its origin: %s", committed).isTrue();
        String pending = HostileClient.metaJson(renamed);
        Files.writeString(save.resolveSibling("public.db.meta.pending.json"),
                pending.substring(0, pending.length() - 1) + origin.group() + "}");
        Files.copy(next, save, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(source); // nothing can be produced: only what is on disk can be delivered
        try (dev.dbsync.core.Subscriber s = dev.dbsync.core.Subscriber.builder().dbPath(dir.resolve("fo").resolve("p.db"))
                .listen(new java.net.InetSocketAddress("127.0.0.1", 0))
                .tls(TlsSettings.mutualServer(fo.certFile(), fo.keyFile(), pki.caFile())).transport(Transports.named("netty"))
                .minFreeSpace(0).build().start();
             dev.dbsync.core.Publisher p = dev.dbsync.core.Publisher.builder(source, spec, save)
                     .targets(dev.dbsync.api.TargetProvider.of(dev.dbsync.api.Target.dbsync("fo",
                             "127.0.0.1:" + s.localAddress().getPort())))
                     .tls(TlsSettings.mutualClient(pki.caFile(), bo.certFile(), bo.keyFile()))
                     .transport(Transports.named("netty")).build()) {
            p.start();
            assertThat(p.lastMeta()).as("restored from the pending meta").contains(renamed);
            assertThat(p.awaitDelivery(START)).isTrue();
            assertThat(s.servedMeta().orElseThrow().hash()).isEqualTo(renamed.hash());
        }
        PersistedMeta.read(save.resolveSibling("public.db.meta.json")).orElseThrow().assertDescribes(save);
        assertThat(save.resolveSibling("public.db.meta.pending.json")).doesNotExist();
    }

    private static boolean committedDescribes(Path meta, Path save, long version) {
        try {
            Optional<PersistedMeta> m = PersistedMeta.read(meta);
            if (m.isEmpty() || m.get().version() != version) {
                return false;
            }
            m.get().assertDescribes(save);
            return true;
        } catch (IOException | AssertionError e) {
            return false;
        }
    }

    @Test
    void aPublisherKilledDuringProductionRestartsWithASavePathMatchingItsMetaAndHigherVersions() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"), "ca");
        Path source = dir.resolve("bo.db");
        Path save = Files.createDirectories(dir.resolve("save")).resolve("public.db");
        Path meta = save.resolveSibling("public.db.meta.json");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER NOT NULL, pad BLOB NOT NULL)");
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000) "
                    + "INSERT INTO t(v, pad) SELECT 0, randomblob(1000) FROM n");
        }
        String[] args = {source.toString(), save.toString(), pki.caFile().toString()};
        Random random = new Random(Long.getLong("dbsync.seed", System.nanoTime()));
        Map<String, Integer> outcomes = new TreeMap<>();
        List<Long> versions = new ArrayList<>();
        ChildJvm child = ChildJvm.start(PublisherProcess.class, dir.resolve("bo.log"), 0, args);
        try {
            child.awaitLine("STARTED", START);
            versions.add(Long.parseLong(child.awaitLine("PUBLISHED", START).split(" ")[0]));
            // one change, undisturbed, to learn how long a warm production takes here
            long t0 = System.nanoTime();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
                s.execute("UPDATE t SET v = -1 WHERE id = 1");
            }
            versions.add(Long.parseLong(child.awaitLine("PUBLISHED", START).split(" ")[0]));
            long produceMillis = Math.max(20, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            LOG.info("a change is published in {} ms", produceMillis);
            for (int i = 1; i <= iterations(); i++) {
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
                    s.execute("UPDATE t SET v = " + i + " WHERE id % 7 = " + (i % 7));
                }
                Thread.sleep(killDelay(i, produceMillis, random));
                child.kill();
                PersistedMeta before = PersistedMeta.describing(save, meta,
                        save.resolveSibling("public.db.meta.pending.json"));
                assertThat(before.version()).as("iteration %d", i).isGreaterThanOrEqualTo(versions.get(versions.size() - 1));
                outcomes.merge(before.version() > versions.get(versions.size() - 1) ? "new snapshot in place"
                        : "previous snapshot in place", 1, Integer::sum);
                child = ChildJvm.start(PublisherProcess.class, dir.resolve("bo.log"), 0, args);
                long restored = Long.parseLong(child.awaitLine("STARTED", START));
                assertThat(restored).as("restored from the save path").isEqualTo(before.version());
                // the snapshot of the write may have been in place before the kill; else it is produced now
                long after = restored > versions.get(versions.size() - 1) ? restored
                        : Long.parseLong(child.awaitLine("PUBLISHED", START).split(" ")[0]);
                assertThat(after).as("iteration %d: versions still increase", i)
                        .isGreaterThan(versions.get(versions.size() - 1));
                versions.add(after);
                // the publisher commits the meta once the file is flushed, while its pushes run:
                // until then the pending meta stands for the file (checked at every kill above)
                assertThat(Poll.until(START, () -> committedDescribes(meta, save, after)))
                        .as("iteration %d: the committed meta describes version %d", i, after).isTrue();
            }
        } finally {
            child.close();
        }
        System.out.println("CRASH-LOOP publisher kills=" + iterations() + " outcomes=" + outcomes + " versions="
                + versions.size());
        assertThat(versions).isSorted().doesNotHaveDuplicates();
    }
}
