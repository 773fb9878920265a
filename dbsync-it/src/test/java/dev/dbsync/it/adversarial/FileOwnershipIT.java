package dev.dbsync.it.adversarial;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.DatabaseFileException;
import dev.dbsync.core.Publisher;
import dev.dbsync.core.SnapshotPusher;
import dev.dbsync.core.Subscriber;
import dev.dbsync.core.Transports;
import dev.dbsync.testkit.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One subscriber or publisher at a time uses a database file, across processes: the lock file
 * {@code <db>.lock} is an OS lock, so a front office in a child JVM keeps this JVM's subscriber and
 * publisher off its file and the other way round, and a SIGKILLed holder leaves nothing locked.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FileOwnershipIT {
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private TestPki pki;
    private TestPki.Issued fo;
    private TestPki.Issued bo;
    private Path db;
    private Path lock;

    @BeforeEach
    void pki() throws Exception {
        pki = TestPki.create(dir.resolve("pki"), "ca");
        fo = pki.server("fo");
        bo = pki.client("bo");
        db = Files.createDirectories(dir.resolve("fo")).resolve("public.db");
        lock = db.resolveSibling("public.db.lock");
    }

    private String[] subscriberArgs() {
        return new String[] {db.toString(), fo.certFile().toString(), fo.keyFile().toString(), pki.caFile().toString()};
    }

    private Subscriber.Builder subscriber() {
        return Subscriber.builder().dbPath(db).listen(new InetSocketAddress("127.0.0.1", 0))
                .tls(TlsSettings.mutualServer(fo.certFile(), fo.keyFile(), pki.caFile()))
                .transport(Transports.named("netty")).minFreeSpace(0);
    }

    private Publisher publisher(Path source, Path save) {
        return Publisher.builder(source, FilterSpec.builder().fullTables("t").build(), save)
                .targets(TargetProvider.of()).tls(TlsSettings.clientWithCa(pki.caFile()))
                .transport(Transports.named("netty")).build();
    }

    @Test
    void aSubscriberInAnotherProcessKeepsThisProcessOffItsFileUntilItDies() throws Exception {
        Path source = Files.createDirectories(dir.resolve("bo")).resolve("source.db");
        SnapshotFiles.create(source, 1, 16 * 1024);
        try (ChildJvm child = ChildJvm.start(SubscriberProcess.class, dir.resolve("fo.log"), 0, subscriberArgs())) {
            child.awaitLine("SERVING", START);
            int port = Integer.parseInt(child.awaitLine("LISTENING", START));
            Path v1 = dir.resolve("bo").resolve("v1.db");
            SnapshotMeta meta = SnapshotFiles.create(v1, 1, 64 * 1024);
            SnapshotPusher.builder().transport(Transports.named("netty"))
                    .tls(TlsSettings.mutualClient(pki.caFile(), bo.certFile(), bo.keyFile())).build()
                    .push(new Endpoint("127.0.0.1", port), meta, v1);
            child.awaitLine("SWAPPED", START);
            String served = SnapshotFiles.sha256(db);

            try (Subscriber second = subscriber().build()) {
                assertThatThrownBy(second::start).isInstanceOfSatisfying(DatabaseFileException.class, e -> {
                    assertThat(e.problem()).isEqualTo(DatabaseFileException.Problem.IN_USE);
                    assertThat(e.getMessage()).contains(lock.toString())
                            .contains("subscriber (process " + child.pid() + ")");
                });
            }
            try (Publisher pub = publisher(source, db)) {
                assertThatThrownBy(pub::start).isInstanceOfSatisfying(DatabaseFileException.class,
                        e -> assertThat(e.getMessage()).contains(lock.toString()).contains("process " + child.pid()));
            }
            assertThat(SnapshotFiles.sha256(db)).as("the child's file, untouched").isEqualTo(served);
            assertThat(child.isAlive()).isTrue();

            child.kill();
            assertThat(lock).as("a stale lock file stays, unlocked").exists();
            try (Subscriber after = subscriber().build().start()) {
                assertThat(after.version()).isEqualTo(1);
                assertThat(after.servedMeta().orElseThrow().hash()).isEqualTo(served);
            }
        }
    }

    @Test
    void thisProcessKeepsASubscriberAndAPublisherInAnotherProcessOffItsFile() throws Exception {
        Path source = Files.createDirectories(dir.resolve("bo")).resolve("source.db");
        SnapshotFiles.create(source, 1, 16 * 1024);
        try (Subscriber holder = subscriber().build().start()) {
            try (ChildJvm child = ChildJvm.start(SubscriberProcess.class, dir.resolve("fo2.log"), 0, subscriberArgs())) {
                assertThat(child.awaitLine("REFUSED", START)).startsWith("IN_USE").contains(lock.toString())
                        .contains("subscriber (process " + ProcessHandle.current().pid() + ")");
                assertThat(child.awaitExit(START)).isEqualTo(3);
            }
            String[] pubArgs = {source.toString(), db.toString(), pki.caFile().toString()};
            try (ChildJvm child = ChildJvm.start(PublisherProcess.class, dir.resolve("bo.log"), 0, pubArgs)) {
                assertThat(child.awaitLine("REFUSED", START)).startsWith("IN_USE").contains(lock.toString());
                assertThat(child.awaitExit(START)).isEqualTo(3);
            }
            assertThat(db).as("the publisher wrote nothing at the subscriber's path").doesNotExist();
            assertThat(holder.db()).isEmpty();
        }
    }
}
