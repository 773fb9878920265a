package dev.dbsync.cli;

import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.Target;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.core.Publisher;
import dev.dbsync.core.Subscriber;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * {@code dbsync demo}: a back office and a front office on loopback, a first replication,
 * a few writes followed to the front office, and proof that nothing private arrived.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs a back office and a front office on 127.0.0.1 with a sample forum database: replicates "
                + "it, follows a few writes to the front office, and checks that no private data arrived. "
                + "Needs no arguments and no files.")
final class DemoCommand implements Callable<Integer> {
    static final Duration WAIT = Duration.ofSeconds(30);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--transport", paramLabel = "netty|kwik", description = "QUIC transport (default: netty if it can run here, else kwik).")
    String transport;

    @Option(names = "--keep", description = "Keep the demo's directories and print their paths.")
    boolean keep;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Transport t = Inputs.transport(transport);
        Path dir = Files.createTempDirectory("dbsync-demo-");
        PrintWriter out = spec.commandLine().getOut();
        DemoReport report = new DemoReport(json ? null : out);
        boolean ok;
        try {
            ok = run(dir, t, report);
        } finally {
            if (!keep) {
                deleteRecursively(dir);
            }
        }
        if (keep) {
            report.kept(dir);
        }
        report.finish(ok);
        if (json) {
            out.println(JsonOutput.pretty(report.toMap()));
        }
        out.flush();
        return ok ? Main.OK : Main.FAILURE;
    }

    private boolean run(Path dir, Transport t, DemoReport report) throws Exception {
        boolean mutual = !"kwik".equals(t.name()); // a kwik listener cannot ask for client certificates
        Path bo = dir.resolve("bo").resolve("forum.db");
        Files.createDirectories(bo.getParent());
        ForumDatabase.create(bo);
        GencertsCommand.Written certs = GencertsCommand.write(dir.resolve("certs"), "localhost");
        TlsSettings foTls = mutual
                ? TlsSettings.mutualServer(certs.server().certFile(), certs.server().keyFile(), certs.ca())
                : TlsSettings.server(certs.server().certFile(), certs.server().keyFile());
        TlsSettings boTls = mutual
                ? TlsSettings.mutualClient(certs.ca(), certs.client().certFile(), certs.client().keyFile())
                : TlsSettings.clientWithCa(certs.ca());
        report.setup(t.name(), mutual, dir, bo, counts(bo));

        SwapClock swaps = new SwapClock();
        boolean queried;
        try (Subscriber fo = Subscriber.builder().dbPath(dir.resolve("fo").resolve("forum.db"))
                .listen(new java.net.InetSocketAddress("127.0.0.1", 0)).tls(foTls).transport(t).build()) {
            fo.onSwap(() -> swaps.swapped(fo.version()));
            fo.start();
            report.frontOffice(Inputs.hostPort(fo.localAddress()));
            Target target = Target.dbsync("fo-1", "127.0.0.1:" + fo.localAddress().getPort());
            long started = System.nanoTime();
            try (Publisher pub = Publisher.builder(bo, ForumDatabase.FILTER, dir.resolve("bo").resolve("public.db"))
                    .targets(TargetProvider.of(target)).tls(boTls).transport(t)
                    .watchInterval(Duration.ofMillis(50)).debounce(Duration.ofMillis(10))
                    .retryBackoff(Duration.ofMillis(50), Duration.ofSeconds(1)).build()) {
                pub.start();
                long version = swaps.awaitVersionAbove(0, WAIT);
                if (version < 0) {
                    report.failed("the front office received nothing within " + WAIT.toSeconds() + " s: "
                            + pub.status().get("targets"));
                    return false;
                }
                long elapsed = swaps.lastAt() - started;
                SnapshotMeta meta = fo.servedMeta().orElseThrow();
                report.published(meta, t.name(), Duration.ofNanos(elapsed), counts(bo), foCounts(fo));
                if (!followWrites(bo, pub, fo, swaps, report)) {
                    return false;
                }
                queried = report.checks(fo.db().orElseThrow(), counts(bo));
            }
        }
        // the subscriber and all its connections are closed: the file may now be read with Java I/O
        return report.scan(dir.resolve("fo").resolve("forum.db")) && queried;
    }

    @SuppressWarnings("try") // the resource only needs closing
    private static boolean followWrites(Path bo, Publisher pub, Subscriber fo, SwapClock swaps, DemoReport report)
            throws Exception {
        try (Connection c = ForumDatabase.open(bo); AutoCloseable trigger = pub.attachTo(c)) {
            c.setAutoCommit(false);
            List<DemoWrite> writes = List.of(
                    new DemoWrite("a user publishes a post", true,
                            x -> ForumDatabase.addPost(x, 1, "Hello from the demo", "public")),
                    new DemoWrite("a moderator retitles post 1", true,
                            x -> ForumDatabase.retitle(x, 1, "Post 1 (edited)")),
                    new DemoWrite("a new user signs up", true, x -> ForumDatabase.addUser(x, "grace")),
                    new DemoWrite("a user saves a private draft", false,
                            x -> ForumDatabase.addPost(x, 2, "My private draft", "private")));
            for (DemoWrite w : writes) {
                long before = fo.version();
                long published = pub.lastMeta().map(SnapshotMeta::version).orElse(0L);
                long rounds = productionRounds(pub);
                w.change().apply(c);
                long committed = System.nanoTime();
                c.commit();
                if (w.published()) {
                    long v = swaps.awaitVersionAbove(before, WAIT);
                    if (v < 0) {
                        report.failed("the front office did not catch up with \"" + w.what() + "\" within "
                                + WAIT.toSeconds() + " s");
                        return false;
                    }
                    report.write(w.what(), true, v, Duration.ofNanos(swaps.lastAt() - committed));
                } else {
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    while (productionRounds(pub) <= rounds && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    Thread.sleep(200); // a push, if one were (wrongly) made, would land by now
                    if (productionRounds(pub) <= rounds) {
                        report.failed("no production round ran after \"" + w.what() + "\" within " + WAIT.toSeconds() + " s");
                        return false;
                    }
                    if (fo.version() != before || pub.lastMeta().map(SnapshotMeta::version).orElse(0L) != published) {
                        report.failed("a private write produced a new front-office version");
                        return false;
                    }
                    report.write(w.what(), false, before, Duration.ZERO);
                }
            }
        }
        return true;
    }

    private static long productionRounds(Publisher pub) {
        Object watch = pub.status().get("watch");
        return watch instanceof Map<?, ?> m && m.get("reloads") instanceof Number n ? n.longValue() : 0;
    }

    /** @return row counts of the back office's tables */
    private static Map<String, Long> counts(Path bo) throws Exception {
        Map<String, Long> m = new LinkedHashMap<>();
        try (Connection c = ForumDatabase.open(bo)) {
            for (String table : ForumDatabase.TABLES) {
                m.put(table, DemoReport.count(c, "SELECT COUNT(*) FROM " + table));
            }
        }
        return m;
    }

    /** @return row counts of the front office's tables; -1 for a table that is absent */
    private static Map<String, Long> foCounts(Subscriber fo) throws Exception {
        Map<String, Long> m = new LinkedHashMap<>();
        DataSource db = fo.db().orElseThrow();
        try (Connection c = db.getConnection()) {
            for (String table : ForumDatabase.TABLES) {
                boolean present = DemoReport.count(c,
                        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'") > 0;
                m.put(table, present ? DemoReport.count(c, "SELECT COUNT(*) FROM " + table) : -1L);
            }
        }
        return m;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A write on the back office. */
    private record DemoWrite(String what, boolean published, Change change) {
    }

    /** A change made in the demo's transaction. */
    @FunctionalInterface
    private interface Change {
        void apply(Connection c) throws Exception;
    }
}
