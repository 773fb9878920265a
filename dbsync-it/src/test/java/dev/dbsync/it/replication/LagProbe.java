package dev.dbsync.it.replication;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.Target;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.core.Publisher;
import dev.dbsync.core.Subscriber;
import dev.dbsync.core.Transports;
import dev.dbsync.testkit.TestPki;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures end-to-end lag, commit on the back office to onSwap on the front office, over
 * loopback: {@code java ... LagProbe <transport> <trigger|poll> <commits> <publishedMiB>}.
 * Prints p50/p99 in milliseconds. Not a test: a measurement run by hand (see the notes).
 */
public final class LagProbe {
    private LagProbe() {
    }

    public static void main(String[] args) throws Exception {
        String transport = args.length > 0 ? args[0] : "netty";
        boolean trigger = args.length <= 1 || args[1].equals("trigger");
        int commits = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int mib = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        Path dir = Files.createTempDirectory("dbsync-lag");
        Path bo = dir.resolve("bo.db");
        TestPki pki = TestPki.create(dir.resolve("pki"), "ca");
        TestPki.Issued fo = pki.server("fo");
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + bo); Statement s = app.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE items(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
            s.execute("CREATE TABLE ticks(id INTEGER PRIMARY KEY, at INTEGER NOT NULL)");
            s.execute("CREATE TABLE private(id INTEGER PRIMARY KEY, body TEXT)");
            Random r = new Random(1);
            app.setAutoCommit(false);
            try (PreparedStatement ins = app.prepareStatement("INSERT INTO items(body) VALUES (?)")) {
                StringBuilder sb = new StringBuilder();
                for (long bytes = 0; bytes < (long) mib << 20; bytes += 1000) {
                    sb.setLength(0);
                    for (int i = 0; i < 1000; i++) {
                        sb.append((char) ('a' + r.nextInt(26)));
                    }
                    ins.setString(1, sb.toString());
                    ins.executeUpdate();
                }
            }
            app.commit();
            app.setAutoCommit(true);
            FilterSpec spec = FilterSpec.builder().fullTables("items", "ticks").build();
            AtomicLong seenTick = new AtomicLong(-1);
            try (Subscriber sub = Subscriber.builder().dbPath(dir.resolve("fo.db"))
                    .listen(new InetSocketAddress("127.0.0.1", 0)).tls(TlsSettings.server(fo.certFile(), fo.keyFile()))
                    .transport(Transports.named(transport)).build().start()) {
                sub.onSwap(() -> {
                    try (Connection c = sub.db().orElseThrow().getConnection(); Statement q = c.createStatement();
                         ResultSet rs = q.executeQuery("SELECT COALESCE(MAX(id), 0) FROM ticks")) {
                        seenTick.set(rs.getLong(1));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                try (Publisher pub = Publisher.builder(bo, spec, dir.resolve("public.db"))
                        .targets(TargetProvider.of(Target.dbsync("fo", "127.0.0.1:" + sub.localAddress().getPort())))
                        .tls(TlsSettings.clientWithCa(pki.caFile())).transport(Transports.named(transport)).build()) {
                    pub.start();
                    if (trigger) {
                        pub.attachTo(app);
                    }
                    if (!pub.awaitDelivery(Duration.ofSeconds(60))) {
                        throw new IllegalStateException("initial delivery did not complete");
                    }
                    System.out.printf("snapshot %d bytes, transport %s, %s%n", pub.lastMeta().orElseThrow().size(),
                            transport, trigger ? "in-process trigger" : "polling only");
                    List<Double> lags = new ArrayList<>();
                    try (PreparedStatement tick = app.prepareStatement("INSERT INTO ticks(id, at) VALUES (?, ?)")) {
                        for (int i = 1; i <= commits; i++) {
                            long t0 = System.nanoTime();
                            tick.setLong(1, i);
                            tick.setLong(2, System.currentTimeMillis());
                            tick.executeUpdate();
                            long deadline = t0 + Duration.ofSeconds(30).toNanos();
                            while (seenTick.get() < i && System.nanoTime() < deadline) {
                                Thread.onSpinWait();
                                Thread.sleep(0, 200_000);
                            }
                            lags.add((System.nanoTime() - t0) / 1e6);
                            Thread.sleep(250); // more than the debounce window: each commit is isolated
                        }
                    }
                    Collections.sort(lags);
                    System.out.printf("commits %d  p50 %.1f ms  p99 %.1f ms  max %.1f ms%n", lags.size(),
                            lags.get(lags.size() / 2), lags.get((int) Math.ceil(lags.size() * 0.99) - 1),
                            lags.get(lags.size() - 1));
                }
            }
        }
    }
}
