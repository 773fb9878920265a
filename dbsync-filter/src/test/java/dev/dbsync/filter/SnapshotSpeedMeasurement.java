package dev.dbsync.filter;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.PartialTable;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A quick measurement, not a test (no assertion, not run by the build): compares
 * {@link SnapshotProducer} with the original method (VACUUM INTO a copy, DROP unlisted,
 * DELETE filtered rows, UPDATE partial columns, VACUUM) and with SQLite's own VACUUM INTO of a
 * database that holds only the published data, on a generated ~200 MB source with ~20%
 * published. Figures are the median and the best of five runs; every method includes hashing its
 * output except the plain VACUUM INTO baseline, which is also shown with hashing.
 *
 * <p>Run from the repository root:
 * <pre>
 * ./mvnw -B -o -q -pl dbsync-filter -am install -DskipTests
 * ./mvnw -B -o -q -pl dbsync-filter test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/dbsync-cp.txt
 * java -cp "dbsync-filter/target/classes:dbsync-filter/target/test-classes:$(cat /tmp/dbsync-cp.txt)" \
 *     dev.dbsync.filter.SnapshotSpeedMeasurement /tmp/dbsync-bench
 * </pre>
 */
public final class SnapshotSpeedMeasurement {
    private SnapshotSpeedMeasurement() {
    }

    static final FilterSpec SPEC = FilterSpec.builder()
            .fullTables("catalog")
            .filteredTable("events", "public = 1")
            .partialTable("users", PartialTable.where("active = 1", "id", "name"))
            .build();

    /**
     * @param args the working directory (the source is generated there once and reused)
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/dbsync-bench");
        Files.createDirectories(dir);
        Path source = dir.resolve("bo.db");
        if (!Files.exists(source)) {
            long t = System.nanoTime();
            generate(source);
            System.out.printf("generated %s: %.1f MB in %.1f s%n", source, Files.size(source) / 1e6,
                    (System.nanoTime() - t) / 1e9);
        }
        System.out.printf("source %.1f MB%n", Files.size(source) / 1e6);
        SnapshotProducer producer = SnapshotProducer.builder(source).build();
        Path ours = dir.resolve("ours.db");
        ProductionReport report = producer.produce(ours, SPEC, 1);
        System.out.printf("snapshot %.1f MB (%.0f%% of source), tables %s%n", report.bytes() / 1e6,
                100.0 * report.bytes() / Files.size(source), report.tables());
        Path publishedOnly = dir.resolve("published-only.db");
        Files.copy(ours, publishedOnly, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        int runs = 5;
        double[] a = new double[runs];
        double[] b = new double[runs];
        double[] c = new double[runs];
        double[] ch = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            producer.produce(ours, SPEC, i + 2);
            a[i] = (System.nanoTime() - t) / 1e9;

            t = System.nanoTime();
            original(source, dir.resolve("original.db"));
            b[i] = (System.nanoTime() - t) / 1e9;

            Path copy = dir.resolve("vacuum-into.db");
            Files.deleteIfExists(copy);
            t = System.nanoTime();
            try (Connection conn = SqliteFiles.open(publishedOnly); Statement s = conn.createStatement()) {
                s.execute("VACUUM INTO '" + copy + "'");
            }
            c[i] = (System.nanoTime() - t) / 1e9;
            sha256(copy);
            ch[i] = (System.nanoTime() - t) / 1e9;
            System.out.printf("run %d: ours %.2f s, original %.2f s, VACUUM INTO published-only %.2f s (+hash %.2f s)%n",
                    i + 1, a[i], b[i], c[i], ch[i]);
        }
        double ma = median(a);
        double mb = median(b);
        double mc = median(c);
        double mch = median(ch);
        System.out.printf("median: ours %.2f s, original %.2f s, VACUUM INTO %.2f s (%.2f s with hash)%n", ma, mb, mc, mch);
        System.out.printf("best:   ours %.2f s, original %.2f s, VACUUM INTO %.2f s (%.2f s with hash)%n", min(a), min(b),
                min(c), min(ch));
        System.out.printf("best-of ratios: original / ours = %.2fx; ours / VACUUM INTO = %.2fx, %.2fx against VACUUM INTO"
                + " + hash%n", min(b) / min(a), min(a) / min(c), min(a) / min(ch));
        System.out.printf("original / ours = %.2fx (goal >= 3x); ours / VACUUM INTO = %.2fx (goal <= 2x),"
                + " %.2fx against VACUUM INTO + hash%n", mb / ma, ma / mc, ma / mch);
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** The original Go method: copy everything, then remove what is not published. */
    static String original(Path source, Path out) throws Exception {
        Files.deleteIfExists(out);
        try (Connection conn = SqliteFiles.open(source); Statement s = conn.createStatement()) {
            s.execute("VACUUM INTO '" + out + "'");
        }
        try (Connection conn = SqliteFiles.open(out); Statement s = conn.createStatement()) {
            s.execute("DROP TABLE audit");
            s.execute("DROP TABLE sessions");
            s.execute("DELETE FROM events WHERE NOT (public = 1)");
            s.execute("DELETE FROM users WHERE NOT (active = 1)");
            // blanking email to '' would fail on its UNIQUE constraint, as the original did; a distinct value costs the same
            s.execute("UPDATE users SET email = id, bio = NULL, active = 0");
            s.execute("VACUUM");
        }
        return sha256(out);
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void generate(Path source) throws Exception {
        try (Connection conn = SqliteFiles.open(source); Statement s = conn.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = OFF");
            s.execute("CREATE TABLE catalog (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, label TEXT, price REAL)");
            s.execute("CREATE INDEX catalog_sku ON catalog(sku)");
            s.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, kind INT NOT NULL, public INT NOT NULL, payload TEXT)");
            s.execute("CREATE INDEX events_kind ON events(kind)");
            s.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE,"
                    + " bio TEXT, active INT NOT NULL)");
            s.execute("CREATE INDEX users_name ON users(name)");
            s.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY, at INT, detail TEXT)");
            s.execute("CREATE TABLE sessions (token TEXT PRIMARY KEY, user_id INT, data TEXT) WITHOUT ROWID");
            s.execute("BEGIN");
            String n = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) ";
            s.execute(String.format(n, 90_000) + "INSERT INTO catalog SELECT i, 'sku-' || i, hex(randomblob(80)),"
                    + " i * 0.5 FROM n");
            s.execute(String.format(n, 180_000) + "INSERT INTO events SELECT i, i % 17, (i % 5 = 0),"
                    + " hex(randomblob(150)) FROM n");
            s.execute(String.format(n, 120_000) + "INSERT INTO users SELECT i, 'user' || i, 'u' || i || '@example.org',"
                    + " hex(randomblob(120)), (i % 2) FROM n");
            s.execute(String.format(n, 150_000) + "INSERT INTO audit SELECT i, i, hex(randomblob(110)) FROM n");
            s.execute(String.format(n, 150_000) + "INSERT INTO sessions SELECT hex(randomblob(16)), i,"
                    + " hex(randomblob(100)) FROM n");
            s.execute("COMMIT");
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }
}
