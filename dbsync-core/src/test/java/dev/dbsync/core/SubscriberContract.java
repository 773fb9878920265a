package dev.dbsync.core;

import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.TransportException;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.testkit.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Shared fixture of the subscriber suites: a test PKI, snapshot files, subscribers and pushers
 * over one transport. Subclasses name the transport, so the same suite runs over each one
 * (the TLS-over-TCP test transport now, the QUIC transports when they are on the path).
 */
abstract class SubscriberContract {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    @TempDir
    static Path pkiDir;
    static TestPki pki;
    static TestPki.Issued foCert;
    static TestPki.Issued boCert;
    static TlsSettings serverTls;
    static TlsSettings clientTls;

    @TempDir
    Path dir;
    Path db;
    private final AtomicLong fileCounter = new AtomicLong();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** @return the name of the transport under test, as found by {@link Transports#named(String)} */
    abstract String transportName();

    Transport transport() {
        return Transports.named(transportName());
    }

    @BeforeAll
    static void createPki() {
        pki = TestPki.create(pkiDir, "ca");
        foCert = pki.server("fo");
        boCert = pki.client("bo");
        serverTls = TlsSettings.mutualServer(foCert.certFile(), foCert.keyFile(), pki.caFile());
        clientTls = TlsSettings.mutualClient(pki.caFile(), boCert.certFile(), boCert.keyFile());
    }

    @BeforeEach
    void paths() throws Exception {
        db = dir.resolve("fo").resolve("public.db");
        Files.createDirectories(db.getParent());
        Files.createDirectories(dir.resolve("bo"));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    TlsSettings serverTls() {
        return serverTls;
    }

    TlsSettings clientTls() {
        return clientTls;
    }

    Subscriber.Builder subscriberBuilder() {
        return Subscriber.builder().dbPath(db).listen(LOOPBACK).tls(serverTls()).transport(transport())
                .minFreeSpace(0);
    }

    Subscriber start(UnaryOperator<Subscriber.Builder> config) {
        Subscriber s = config.apply(subscriberBuilder()).build();
        closeables.add(0, s);
        return s.start();
    }

    Subscriber start() {
        return start(b -> b);
    }

    SnapshotPusher pusher(boolean gzip) {
        return SnapshotPusher.builder().transport(transport()).tls(clientTls()).gzip(gzip).build();
    }

    static Endpoint endpoint(Subscriber s) {
        return new Endpoint("127.0.0.1", s.localAddress().getPort());
    }

    /** A snapshot file on the publisher's side. */
    record Snap(Path file, SnapshotMeta meta) {
    }

    Snap snapshot(long version) {
        Path f = dir.resolve("bo").resolve("snap-" + fileCounter.incrementAndGet() + ".db");
        return new Snap(f, Snapshots.create(f, version));
    }

    PushResult push(Subscriber s, Snap snap) {
        return pusher(false).push(endpoint(s), snap.meta(), snap.file());
    }

    void pushV1(Subscriber s, SnapshotMeta meta, Path file) {
        try {
            V1TestClient.push(transport(), endpoint(s), clientTls(), meta, file);
        } catch (java.io.IOException | TransportException e) {
            // v1 has no reply: a refused push shows only as a broken stream
        }
    }

    long servedRowsVersion(Subscriber s) throws Exception {
        try (var c = s.db().orElseThrow().getConnection()) {
            return Snapshots.wholeVersion(c);
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    List<String> filesIn(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
