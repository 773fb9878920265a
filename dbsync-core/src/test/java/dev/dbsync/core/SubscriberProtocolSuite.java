package dev.dbsync.core;

import dev.dbsync.api.RejectReason;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.TransportException;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;
import dev.dbsync.core.internal.wire.Answer;
import dev.dbsync.core.internal.wire.Offer;
import dev.dbsync.core.internal.wire.V2Frame;
import dev.dbsync.core.internal.wire.V2Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every rule of what a subscriber accepts, over one transport. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class SubscriberProtocolSuite extends SubscriberContract {

    @Test
    void v2PushIsVerifiedSwappedAcknowledgedAndObservable() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Subscriber s = start(b -> b.meterRegistry(meters));
        assertThat(s.db()).isEmpty();
        assertThat(s.version()).isZero();
        assertThat(s.lastSwapAt()).isZero();
        assertThat(s.staleSince()).isEqualTo(Duration.ofSeconds(-1));
        assertThatThrownBy(s::ping).hasMessageStartingWith("no snapshot");
        assertThat(s.status()).containsEntry("role", "subscriber").containsEntry("has_db", false)
                .doesNotContainKey("age_seconds");
        List<String> calls = new ArrayList<>();
        s.onSwap(() -> calls.add("first:" + s.version()));
        s.onSwap(() -> calls.add("second:" + s.version()));

        Snap v1 = snapshot(1);
        PushResult r = push(s, v1);

        assertThat(r.outcome()).isEqualTo(PushResult.Outcome.SWAPPED);
        assertThat(r.alpn()).isEqualTo("horos-dbsync-v2");
        assertThat(r.servedVersion()).isEqualTo(1);
        assertThat(r.servedHash()).isEqualTo(v1.meta().hash());
        assertThat(calls).containsExactly("first:1", "second:1");
        assertThat(s.version()).isEqualTo(1);
        assertThat(servedRowsVersion(s)).isEqualTo(1);
        assertThat(Snapshots.sha256(db)).isEqualTo(v1.meta().hash());
        assertThat(s.lastSwapAt()).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(5L));
        assertThat(s.staleSince()).isBetween(Duration.ZERO, Duration.ofSeconds(5));
        s.ping();
        Map<String, Object> st = s.status();
        assertThat(st).containsEntry("last_version", 1L).containsEntry("last_hash", v1.meta().hash())
                .containsEntry("has_db", true).containsKey("age_seconds").doesNotContainKey("last_reject_reason");
        assertThat(Files.readString(db.resolveSibling("public.db.meta.json"))).contains("\"version\":1")
                .contains(v1.meta().hash());
        assertThat(meters.get("dbsync.subscriber.swaps").counter().count()).isEqualTo(1.0);
        assertThat(meters.get("dbsync.subscriber.received").counter().count()).isEqualTo(v1.meta().size());
        assertThat(meters.get("dbsync.subscriber.version").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("dbsync.subscriber.receive").timer().count()).isEqualTo(1);
        assertThat(meters.get("dbsync.subscriber.verify").timer().count()).isEqualTo(1);
        assertThat(meters.get("dbsync.subscriber.staleness").gauge().value()).isBetween(0.0, 5.0);
        assertThat(filesIn(db.getParent())).containsExactly("public.db", "public.db.lock", "public.db.meta.json");
    }

    @Test
    void v2GzipPushIsAcceptedAndDecompressed() throws Exception {
        Subscriber s = start();
        Snap v3 = snapshot(3);
        PushResult r = pusher(true).push(endpoint(s), v3.meta(), v3.file());
        assertThat(r.outcome()).isEqualTo(PushResult.Outcome.SWAPPED);
        assertThat(Snapshots.sha256(db)).isEqualTo(v3.meta().hash());
        assertThat(servedRowsVersion(s)).isEqualTo(3);
    }

    @Test
    void v2SkipsASnapshotItAlreadyServesAsIdempotentSuccess() throws Exception {
        Subscriber s = start();
        Snap v1 = snapshot(1);
        push(s, v1);
        long swappedAt = s.lastSwapAt();
        PushResult again = push(s, v1);
        assertThat(again.outcome()).isEqualTo(PushResult.Outcome.SKIPPED);
        assertThat(again.servedVersion()).isEqualTo(1);
        assertThat(s.lastSwapAt()).isEqualTo(swappedAt);
        assertThat(s.lastRejectReason()).isEmpty();
    }

    @Test
    void rejectsReplayedOrRolledBackVersionOverV2AndV1() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Subscriber s = start(b -> b.meterRegistry(meters));
        Snap v5 = snapshot(5);
        push(s, v5);
        Snap otherV5 = snapshot(5);
        Snap v4 = snapshot(4);
        assertThatThrownBy(() -> push(s, otherV5)).isInstanceOfSatisfying(SnapshotRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(RejectReason.STALE_VERSION);
            assertThat(e.servedVersion()).isEqualTo(5);
            assertThat(e.servedHash()).isEqualTo(v5.meta().hash());
        });
        assertThatThrownBy(() -> push(s, v4)).isInstanceOfSatisfying(SnapshotRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(RejectReason.STALE_VERSION));
        pushV1(s, v4.meta(), v4.file());
        assertThat(s.version()).isEqualTo(5);
        assertThat(Snapshots.sha256(db)).isEqualTo(v5.meta().hash());
        assertThat(s.status()).containsEntry("last_reject_reason", "stale_version");
        assertThat(meters.get("dbsync.subscriber.rejects").tag("reason", "stale_version").counter().count())
                .isEqualTo(3.0);
    }

    @Test
    void v1PushesFromAMinimalV1ClientAreAcceptedRawAndGzipped() throws Exception {
        Subscriber s = start();
        Snap v1 = snapshot(1);
        V1TestClient.push(transport(), endpoint(s), clientTls(), v1.meta(), v1.file());
        assertThat(s.version()).isEqualTo(1);
        assertThat(servedRowsVersion(s)).isEqualTo(1);
        Snap v2 = snapshot(2);
        V1TestClient.push(transport(), endpoint(s), clientTls(), v2.meta().withCompressed(true), v2.file());
        assertThat(s.version()).isEqualTo(2);
        assertThat(Snapshots.sha256(db)).isEqualTo(v2.meta().hash());
        PushResult viaPusher = SnapshotPusher.builder().transport(transport()).tls(clientTls()).v1Only(true).build()
                .push(endpoint(s), snapshot(3).meta(), dir.resolve("bo").resolve("snap-3.db"));
        assertThat(viaPusher.outcome()).isEqualTo(PushResult.Outcome.DELIVERED);
        assertThat(s.version()).isEqualTo(3);
    }

    @Test
    void rejectsASnapshotOlderThanMaxAge() throws Exception {
        Subscriber s = start(b -> b.maxAge(Duration.ofMinutes(10)));
        Snap fresh = snapshot(1);
        Path oldFile = dir.resolve("bo").resolve("old.db");
        Snapshots.create(oldFile, 2);
        SnapshotMeta old = Snapshots.meta(oldFile, 2, Instant.now().minus(Duration.ofMinutes(11)).getEpochSecond());
        push(s, fresh);
        assertThatThrownBy(() -> pusher(false).push(endpoint(s), old, oldFile))
                .isInstanceOfSatisfying(SnapshotRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.TOO_OLD));
        pushV1(s, old, oldFile);
        assertThat(s.version()).isEqualTo(1);
        assertThat(s.lastRejectReason()).contains(RejectReason.TOO_OLD);
    }

    @Test
    void rejectsBeforeThePayloadWhatIsTooLargeOrDoesNotFitOnDisk() throws Exception {
        Snap v1 = snapshot(1);
        Subscriber small = start(b -> b.maxSnapshotSize(v1.meta().size() - 1));
        assertThatThrownBy(() -> push(small, v1)).isInstanceOfSatisfying(SnapshotRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(RejectReason.TOO_LARGE));
        small.close();
        // a margin larger than any disk: the snapshot can never fit
        Subscriber full = start(b -> b.minFreeSpace(Long.MAX_VALUE / 4));
        assertThatThrownBy(() -> push(full, v1)).isInstanceOfSatisfying(SnapshotRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(RejectReason.INSUFFICIENT_DISK));
        assertThat(full.db()).isEmpty();
        assertThat(filesIn(db.getParent())).containsExactly("public.db.lock");
    }

    /** A snapshot of {@code version} plus 2 MB of rows that every version shares. */
    private Snap bulky(long version) throws Exception {
        Snap snap = snapshot(version);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + snap.file());
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE bulk(id INTEGER PRIMARY KEY, body TEXT)");
            st.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
                    + " INSERT INTO bulk SELECT i, printf('%.1000d', i) FROM n");
        }
        return new Snap(snap.file(), Snapshots.meta(snap.file(), version, Instant.now().getEpochSecond()));
    }

    @Test
    void aNewerVersionCrossesAsOnlyThePagesTheServedDatabaseLacks() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Subscriber s = start(b -> b.meterRegistry(meters));
        Snap v1 = bulky(1);
        push(s, v1);
        double first = meters.counter("dbsync.subscriber.received").count();
        assertThat(first).isGreaterThanOrEqualTo(v1.meta().size());
        Snap v2 = bulky(2);
        PushResult r = push(s, v2);
        assertThat(r.outcome()).isEqualTo(PushResult.Outcome.SWAPPED);
        assertThat(s.version()).isEqualTo(2);
        assertThat(servedRowsVersion(s)).isEqualTo(2);
        assertThat(Snapshots.sha256(db)).isEqualTo(v2.meta().hash());
        double second = meters.counter("dbsync.subscriber.received").count() - first;
        // the page digests (8 bytes a page) and the few pages of table t
        assertThat(second).isLessThan(v2.meta().size() / 10.0);
    }

    @Test
    void aPageMatchedByDigestButDifferentIsCaughtAndTheSnapshotIsSentWhole() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Subscriber s = start(b -> b.meterRegistry(meters));
        Snap v1 = snapshot(1);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + v1.file());
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE blob(b BLOB)");
            st.execute("INSERT INTO blob VALUES (randomblob(0) || x'" + "AB".repeat(3000) + "')");
        }
        v1 = new Snap(v1.file(), Snapshots.meta(v1.file(), 1, Instant.now().getEpochSecond()));
        byte[] bytes = Files.readAllBytes(v1.file());
        int pageSize = ((bytes[16] & 0xFF) << 8) | (bytes[17] & 0xFF);
        int run = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("\u00AB".repeat(2000));
        assertThat(run).as("the blob's bytes are in the file").isPositive();
        int page = (run + 100) / pageSize;
        int from = run + 100 - page * pageSize;
        assertThat(from + 16).isLessThan(pageSize);
        byte[] original = java.util.Arrays.copyOfRange(bytes, page * pageSize, (page + 1) * pageSize);
        byte[] forged = DigestCollision.sameDigest(original, from, from + 16);
        assertThat(forged).isNotEqualTo(original);
        assertThat(dev.dbsync.core.internal.wire.PageDelta.digest(forged, 0, pageSize))
                .isEqualTo(dev.dbsync.core.internal.wire.PageDelta.digest(original, 0, pageSize));
        // v2: v1 with that one page changed (blob bytes only: still a sound database)
        System.arraycopy(forged, 0, bytes, page * pageSize, pageSize);
        Path v2File = dir.resolve("bo").resolve("forged.db");
        Files.write(v2File, bytes);
        SnapshotMeta v2 = Snapshots.meta(v2File, 2, Instant.now().getEpochSecond());

        push(s, v1);
        PushResult r = pusher(false).push(endpoint(s), v2, v2File);

        // the pages attempt rebuilt v1's page, failed its SHA-256 and was refused; the whole file then went
        assertThat(r.outcome()).isEqualTo(PushResult.Outcome.SWAPPED);
        assertThat(r.servedHash()).isEqualTo(v2.hash());
        assertThat(Snapshots.sha256(db)).isEqualTo(v2.hash());
        assertThat(meters.get("dbsync.subscriber.rejects").tag("reason", "hash_mismatch").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void aHashLieIsRefusedAndTheOldDatabaseStaysServed() throws Exception {
        Subscriber s = start();
        push(s, snapshot(1));
        Snap v2 = snapshot(2);
        SnapshotMeta lie = new SnapshotMeta(2, snapshot(9).meta().hash(), v2.meta().size(), v2.meta().timestamp(), false);
        assertThatThrownBy(() -> pusher(false).push(endpoint(s), lie, v2.file()))
                .isInstanceOfSatisfying(SnapshotRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.HASH_MISMATCH));
        assertThat(s.version()).isEqualTo(1);
        assertThat(servedRowsVersion(s)).isEqualTo(1);
        assertThat(filesIn(db.getParent())).containsExactly("public.db", "public.db.lock", "public.db.meta.json");
    }

    @Test
    void sizeLiesEitherWayAreRefused() throws Exception {
        Subscriber s = start();
        Snap v1 = snapshot(1);
        for (long delta : new long[] {-1, 1}) {
            SnapshotMeta lie = new SnapshotMeta(1, v1.meta().hash(), v1.meta().size() + delta, v1.meta().timestamp(),
                    false);
            assertThatThrownBy(() -> pusher(false).push(endpoint(s), lie, v1.file()))
                    .isInstanceOfSatisfying(SnapshotRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(RejectReason.SIZE_MISMATCH));
        }
        assertThat(s.db()).isEmpty();
        assertThat(filesIn(db.getParent())).containsExactly("public.db.lock");
    }

    @Test
    void aPayloadThatIsNotADatabaseFailsQuickCheck() throws Exception {
        Subscriber s = start();
        Path junk = dir.resolve("bo").resolve("junk.db");
        Files.write(junk, new byte[8192]);
        SnapshotMeta meta = Snapshots.meta(junk, 1, Instant.now().getEpochSecond());
        assertThatThrownBy(() -> pusher(false).push(endpoint(s), meta, junk))
                .isInstanceOfSatisfying(SnapshotRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.CORRUPT_DATABASE));
        assertThat(s.db()).isEmpty();
    }

    /** Opens a raw v2 exchange: sends the offer and returns the stream after a "send" answer. */
    private TransportStream offer(TransportConnection c, SnapshotMeta meta) throws IOException {
        TransportStream st = c.openStream();
        V2Frame.write(st.output(), V2Frame.OFFER, V2Json.encodeOffer(new Offer(meta, List.of("identity"), Offer.FULL)));
        Answer a = V2Json.decodeAnswer(V2Frame.read(st.input(), V2Frame.ANSWER, V2Frame.MAX_REPLY_LENGTH, 0), 8);
        assertThat(a.action()).isEqualTo(Answer.Action.SEND);
        return st;
    }

    private TransportConnection dialV2(Subscriber s) {
        return transport().dial(endpoint(s), clientTls(), List.of("horos-dbsync-v2"), TransportOptions.defaults());
    }

    @Test
    void anOfferWithAnUnknownPayloadKindOrNoKnownEncodingIsRejectedAsUnsupported() throws Exception {
        Subscriber s = start();
        Snap v1 = snapshot(1);
        for (Offer offer : List.of(new Offer(v1.meta(), List.of("zstd"), Offer.FULL),
                new Offer(v1.meta(), List.of("identity"), "delta"))) {
            try (TransportConnection c = dialV2(s)) {
                TransportStream st = c.openStream();
                V2Frame.write(st.output(), V2Frame.OFFER, V2Json.encodeOffer(offer));
                Answer a = V2Json.decodeAnswer(V2Frame.read(st.input(), V2Frame.ANSWER, V2Frame.MAX_REPLY_LENGTH, 0), 8);
                assertThat(a.action()).isEqualTo(Answer.Action.REJECT);
                assertThat(a.reason()).contains(RejectReason.UNSUPPORTED);
                st.output().close();
                assertThat(st.input().read()).as("no ack after a reject").isEqualTo(-1);
            }
        }
        assertThat(s.db()).isEmpty();
        assertThat(push(s, v1).outcome()).isEqualTo(PushResult.Outcome.SWAPPED);
    }

    @Test
    void aTruncatedStreamIsRefusedAndLeavesNoTempFile() throws Exception {
        Subscriber s = start();
        push(s, snapshot(1));
        Snap v2 = snapshot(2);
        byte[] bytes = Files.readAllBytes(v2.file());
        try (TransportConnection c = dialV2(s)) {
            TransportStream st = offer(c, v2.meta());
            st.output().write(bytes, 0, bytes.length / 2);
            st.output().close();
            InputStream in = st.input();
            var ack = V2Json.decodeAck(V2Frame.read(in, V2Frame.ACK, V2Frame.MAX_REPLY_LENGTH, 0), 8);
            assertThat(ack.ok()).isFalse();
            assertThat(ack.error()).contains(RejectReason.SIZE_MISMATCH);
            assertThat(ack.version()).isEqualTo(1);
        }
        Snap v3 = snapshot(3);
        byte[] b3 = Files.readAllBytes(v3.file());
        try (TransportConnection c = dialV2(s)) {
            TransportStream st = offer(c, v3.meta());
            st.output().write(b3, 0, b3.length / 3);
            st.output().flush();
            st.abort(1);
        }
        await("the aborted transfer to be refused", () -> s.status().get("last_reject_message") != null
                && s.lastRejectReason().filter(r -> r == RejectReason.PROTOCOL_ERROR).isPresent());
        assertThat(s.version()).isEqualTo(1);
        await("temp files to be removed", () -> {
            try {
                return filesIn(db.getParent()).equals(List.of("public.db", "public.db.lock", "public.db.meta.json"));
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void aStalledSenderIsCutOffAfterTheStallTimeoutAndAnotherPushIsBusyMeanwhile() throws Exception {
        Subscriber s = start(b -> b.stallTimeout(Duration.ofMillis(700)).maxConcurrentReceives(1));
        Snap v1 = snapshot(1);
        byte[] bytes = Files.readAllBytes(v1.file());
        try (TransportConnection c = dialV2(s)) {
            TransportStream st = offer(c, v1.meta());
            st.output().write(bytes, 0, 100);
            st.output().flush();
            Snap v2 = snapshot(2);
            assertThatThrownBy(() -> push(s, v2)).isInstanceOfSatisfying(SnapshotRejectedException.class,
                    e -> assertThat(e.reason()).isEqualTo(RejectReason.BUSY));
            // the cut-off reaches the sender as a failed read, or — with Netty, which may report a
            // peer's RESET_STREAM as an input shutdown first — as an end of stream; never as data
            // and never as a read that blocks
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try {
                    assertThat(st.input().read()).isEqualTo(-1);
                } catch (IOException cutOff) {
                    // the expected outcome on most transports
                }
            });
        }
        await("the stall to be recorded", () -> s.lastRejectReason().filter(r -> r == RejectReason.STALLED).isPresent());
        assertThat(push(s, snapshot(3)).outcome()).isEqualTo(PushResult.Outcome.SWAPPED);
    }

    @Test
    void concurrentPushesAreSerializedAndTheNewestWins() throws Exception {
        Subscriber s = start(b -> b.maxConcurrentReceives(8));
        List<Snap> snaps = new ArrayList<>();
        for (int v = 1; v <= 8; v++) {
            snaps.add(snapshot(v));
        }
        List<String> swaps = java.util.Collections.synchronizedList(new ArrayList<>());
        s.onSwap(() -> swaps.add(Long.toString(s.version())));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (Snap snap : snaps) {
                fs.add(pool.submit(() -> {
                    try {
                        push(s, snap);
                    } catch (SnapshotRejectedException e) {
                        assertThat(e.reason()).isEqualTo(RejectReason.STALE_VERSION);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(s.version()).isEqualTo(8);
        assertThat(Snapshots.sha256(db)).isEqualTo(snaps.get(7).meta().hash());
        List<Long> order = swaps.stream().map(Long::parseLong).toList();
        assertThat(order).isSorted().doesNotHaveDuplicates().endsWith(8L);
        assertThat(filesIn(db.getParent())).containsExactly("public.db", "public.db.lock", "public.db.meta.json");
    }

    @Test
    void servesAPushWhile32OtherConnectionsAreOpenAndBoundsTheConnectionCount() throws Exception {
        Subscriber s = start();
        List<TransportConnection> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 32; i++) {
                TransportConnection c = dialV2(s);
                c.openStream().output().write(V2Frame.OFFER.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                idle.add(c);
            }
            assertThat(push(s, snapshot(1)).outcome()).isEqualTo(PushResult.Outcome.SWAPPED);
        } finally {
            idle.forEach(TransportConnection::close);
        }
        Subscriber bounded = start(b -> b.maxConnections(2).dbPath(dir.resolve("bounded.db")));
        try (TransportConnection a = dialV2(bounded); TransportConnection b = dialV2(bounded)) {
            a.openStream();
            b.openStream();
            Snap v1 = snapshot(1);
            assertThatThrownBy(() -> push(bounded, v1)).isInstanceOf(dev.dbsync.api.DbsyncException.class);
        }
        await("a connection slot to free up", () -> {
            try {
                return push(bounded, snapshot(2)).outcome() == PushResult.Outcome.SWAPPED;
            } catch (dev.dbsync.api.DbsyncException e) {
                return false;
            }
        });
    }

    @Test
    void aPublisherWithoutAClientCertificateIsRefused() throws Exception {
        if (!listenerRequiresClientCertificates()) {
            // never silently accept unauthenticated peers: a listener that cannot check client
            // certificates refuses to start when asked to
            assertThatThrownBy(() -> Subscriber.builder().dbPath(db).listen(LOOPBACK).tls(serverTls)
                    .transport(transport()).build().start())
                    .isInstanceOf(dev.dbsync.api.TlsConfigException.class)
                    .hasMessageContaining("client certificate");
            return;
        }
        Subscriber s = start();
        SnapshotPusher anonymous = SnapshotPusher.builder().transport(transport())
                .tls(TlsSettings.clientWithCa(pki.caFile())).build();
        Snap v1 = snapshot(1);
        assertThatThrownBy(() -> anonymous.push(endpoint(s), v1.meta(), v1.file()))
                .isInstanceOfAny(TransportException.class, dev.dbsync.api.ProtocolException.class);
        assertThat(s.db()).isEmpty();
    }

    @Test
    void listenSnapshotsHandsTheRawPayloadToTheHandlerForV1AndV2() throws Exception {
        List<String> got = java.util.Collections.synchronizedList(new ArrayList<>());
        try (SnapshotListener l = SnapshotListener.listen(transport(), LOOPBACK, serverTls(), (meta, payload) -> {
            byte[] b = payload.readAllBytes();
            got.add(meta.version() + ":" + b.length);
        })) {
            dev.dbsync.api.transport.Endpoint ep = new dev.dbsync.api.transport.Endpoint("127.0.0.1", l.localAddress().getPort());
            Snap v1 = snapshot(1);
            Snap v2 = snapshot(2);
            PushResult r = pusher(true).push(ep, v2.meta(), v2.file());
            assertThat(r.outcome()).isEqualTo(PushResult.Outcome.SWAPPED);
            V1TestClient.push(transport(), ep, clientTls(), v1.meta(), v1.file());
            assertThat(got).containsExactly("2:" + v2.meta().size(), "1:" + v1.meta().size());
            Snap v3 = snapshot(3);
            SnapshotMeta lie = new SnapshotMeta(3, v1.meta().hash(), v3.meta().size(), v3.meta().timestamp(), false);
            assertThatThrownBy(() -> pusher(false).push(ep, lie, v3.file()))
                    .isInstanceOfSatisfying(SnapshotRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(RejectReason.HASH_MISMATCH));
        }
    }
}
