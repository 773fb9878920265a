package dev.dbsync.core;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.Target;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.core.internal.wire.MetaJson;
import dev.dbsync.testkit.TcpTlsTransport;
import dev.dbsync.testkit.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.dbsync.core.PublisherSaveOwnershipTest.await;
import static dev.dbsync.core.PublisherSaveOwnershipTest.sql;
import static dev.dbsync.core.PublisherSaveOwnershipTest.tables;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot kept at the save path under another filter is never delivered (red team: after
 * table {@code u} was withdrawn from the spec and the publisher restarted, it first pushed the
 * kept snapshot, which still held {@code u}). The restarted publisher is started while its source
 * is away, so that the kept snapshot is the only thing it could deliver; a real front office
 * records the tables of every snapshot it swaps in.
 */
@Timeout(90)
class PublisherSpecChangeTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final FilterSpec WIDE = FilterSpec.builder().fullTables("t", "u").build();
    private static final FilterSpec NARROW = FilterSpec.builder().fullTables("t").build();

    @TempDir
    Path dir;

    private Path source;
    private Path save;

    private void backOffice() throws Exception {
        source = dir.resolve("bo.db");
        save = dir.resolve("save").resolve("public.db");
        sql(source, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'pub');"
                + " CREATE TABLE u(x); INSERT INTO u VALUES ('NOW-PRIVATE');");
    }

    /** Publishes {@code spec} to no target until a snapshot is saved; returns its meta. */
    private SnapshotMeta saveUnder(FilterSpec spec) throws Exception {
        try (Publisher p = Publisher.builder(source, spec, save).targets(TargetProvider.of())
                .tls(TlsSettings.insecureClient()).transport(new TcpTlsTransport()).build()) {
            p.start();
            assertThat(await(() -> p.lastMeta().isPresent())).isTrue();
            return p.lastMeta().orElseThrow();
        }
    }

    @Test
    void aRestartWithANarrowedSpecNeverDeliversTheSnapshotKeptUnderTheWideOne() throws Exception {
        backOffice();
        SnapshotMeta wide = saveUnder(WIDE);
        assertThat(tables(save)).as("the kept snapshot holds u").containsExactly("t", "u");
        restartAndCheckTheFrontOfficeNeverSeesU(NARROW, wide);
    }

    @Test
    void aKeptSnapshotWhoseMetaPredatesTheRecordedSpecIsNeverDelivered() throws Exception {
        backOffice();
        SnapshotMeta wide = saveUnder(WIDE);
        // the meta as a dbsync without spec records wrote it
        Files.write(Path.of(save + ".meta.json"), MetaJson.encode(wide));
        restartAndCheckTheFrontOfficeNeverSeesU(NARROW, wide);
    }

    private void restartAndCheckTheFrontOfficeNeverSeesU(FilterSpec now, SnapshotMeta kept) throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"), "ca");
        TestPki.Issued fo = pki.server("fo");
        TestPki.Issued bo = pki.client("bo");
        List<List<String>> swapped = new CopyOnWriteArrayList<>();
        List<String> swappedHashes = new CopyOnWriteArrayList<>();
        Path away = dir.resolve("bo.db.away");
        Files.move(source, away);
        try (Subscriber sub = Subscriber.builder().dbPath(dir.resolve("fo").resolve("public.db"))
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .tls(TlsSettings.mutualServer(fo.certFile(), fo.keyFile(), pki.caFile()))
                .transport(new TcpTlsTransport()).minFreeSpace(0).build()) {
            sub.onSwap(() -> {
                swappedHashes.add(sub.servedMeta().orElseThrow().hash());
                swapped.add(servedTables(sub));
            });
            sub.start();
            try (Publisher p = Publisher.builder(source, now, save)
                    .targets(TargetProvider.of(Target.dbsync("fo", "127.0.0.1:" + sub.localAddress().getPort())))
                    .tls(TlsSettings.mutualClient(pki.caFile(), bo.certFile(), bo.keyFile()))
                    .transport(new TcpTlsTransport()).watchInterval(Duration.ofMillis(20)).debounce(Duration.ZERO)
                    .build()) {
                p.start();
                assertThat(p.lastMeta()).as("nothing to deliver before a snapshot of the current spec exists")
                        .isEmpty();
                assertThat(save).as("the stale snapshot is removed").doesNotExist();
                Files.move(away, source);
                assertThat(p.awaitDelivery(WAIT)).as("status %s", p.status()).isTrue();
                SnapshotMeta published = p.lastMeta().orElseThrow();
                assertThat(published.version()).isGreaterThan(kept.version());
                assertThat(published.hash()).isNotEqualTo(kept.hash());
                assertThat(tables(save)).containsExactly("t");
                assertThat(Files.readString(Path.of(save + ".meta.json"))).as("produced with the current spec")
                        .contains("\"spec_sha256\":\"" + sha256(FilterSpecJson.write(now)) + "\"")
                        .contains("\"source\":" + quoted(source.toAbsolutePath().normalize().toString()));
                assertThat(sub.servedMeta().orElseThrow().hash()).isEqualTo(published.hash());
            }
            assertThat(swapped).as("every snapshot the front office swapped in").isNotEmpty()
                    .allSatisfy(names -> assertThat(names).containsExactly("t"));
            assertThat(swappedHashes).doesNotContain(kept.hash());
        }
    }

    private static List<String> servedTables(Subscriber sub) {
        List<String> names = new ArrayList<>();
        try (Connection c = sub.db().orElseThrow().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        } catch (Exception e) {
            names.add("unreadable: " + e);
        }
        return names;
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
