package dev.dbsync.cli;

import dev.dbsync.api.SnapshotMeta;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What the demo saw, printed as it happens (text) or gathered into one JSON object. Also runs
 * the final checks on the front office.
 */
final class DemoReport {
    private static final List<String> SECRETS = List.of("@example.org", "sha256$", "signed up", "My private draft");

    private final PrintWriter out;
    private final Map<String, Object> data = new LinkedHashMap<>();
    private final List<Map<String, Object>> writes = new ArrayList<>();

    /** @param out where to print as it happens, or null to print nothing (JSON mode) */
    DemoReport(PrintWriter out) {
        this.out = out;
    }

    void setup(String transport, boolean mutual, Path dir, Path bo, Map<String, Long> boCounts) {
        data.put("transport", transport);
        data.put("mutual_tls", mutual);
        if (!mutual) {
            data.put("tls_note", "kwik cannot require client certificates: server-only TLS, the BO pins the CA");
        }
        data.put("back_office_rows", boCounts);
        print("dbsync demo: a back office (BO) and a front office (FO) on 127.0.0.1 over QUIC (%s)%n", transport);
        print("  TLS          %s%n", mutual ? "mutual: the FO requires a client certificate from the BO, both pinned "
                + "to a development CA"
                : "server-only: kwik cannot require client certificates, so the FO is authenticated and the BO is not");
        print("  back office  sample forum: %d users (with e-mails and password hashes), %d posts (public and "
                + "private), %d audit-log entries%n", boCounts.get("users"), boCounts.get("posts"), boCounts.get("audit_log"));
        print("  filter       users: id, name, created_at only; posts: visibility = 'public'; audit_log: not published%n");
    }

    void frontOffice(String address) {
        print("  front office listening on %s%n%n", address);
    }

    void published(SnapshotMeta meta, String transport, Duration elapsed, Map<String, Long> bo, Map<String, Long> fo) {
        List<Map<String, Object>> tables = new ArrayList<>();
        print("First replication: version %d, %d bytes, sha256 %s…, over %s in %d ms%n", meta.version(), meta.size(),
                meta.shortHash(), transport, elapsed.toMillis());
        print("  %-10s %10s %10s%n", "table", "published", "withheld");
        for (Map.Entry<String, Long> e : bo.entrySet()) {
            long published = Math.max(0, fo.getOrDefault(e.getKey(), -1L));
            long withheld = e.getValue() - published;
            String note = fo.getOrDefault(e.getKey(), -1L) < 0 ? "  (table not published)"
                    : "users".equals(e.getKey()) ? "  (email and password_hash blanked)" : "";
            print("  %-10s %10d %10d%s%n", e.getKey(), published, withheld, note);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", e.getKey());
            t.put("rows_published", published);
            t.put("rows_withheld", withheld);
            tables.add(t);
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("version", meta.version());
        p.put("hash", meta.hash());
        p.put("size", meta.size());
        p.put("transport", transport);
        p.put("elapsed_ms", elapsed.toMillis());
        p.put("tables", tables);
        data.put("published", p);
        print("%nWrites on the back office, followed to the front office:%n");
    }

    void write(String what, boolean published, long version, Duration latency) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("write", what);
        w.put("published", published);
        w.put("fo_version", version);
        if (published) {
            w.put("latency_ms", latency.toMillis());
            print("  %-32s -> FO at version %d after %d ms%n", what, version, latency.toMillis());
        } else {
            print("  %-32s -> nothing public changed: no new version, FO stays at %d%n", what, version);
        }
        writes.add(w);
    }

    /** Queries the front office: nothing private may be there. The file is scanned by {@link #scan}. */
    boolean checks(DataSource fo, Map<String, Long> bo) throws SQLException {
        Map<String, Object> c = new LinkedHashMap<>();
        try (Connection conn = fo.getConnection()) {
            c.put("private_posts", count(conn, "SELECT COUNT(*) FROM posts WHERE visibility <> 'public'"));
            c.put("emails", count(conn, "SELECT COUNT(*) FROM users WHERE email IS NOT NULL AND email <> ''"));
            c.put("password_hashes", count(conn,
                    "SELECT COUNT(*) FROM users WHERE password_hash IS NOT NULL AND password_hash <> ''"));
            c.put("audit_log_tables", count(conn, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'audit_log'"));
            c.put("users", count(conn, "SELECT COUNT(*) FROM users"));
            c.put("public_posts", count(conn, "SELECT COUNT(*) FROM posts"));
        }
        boolean ok = (long) c.get("private_posts") == 0 && (long) c.get("emails") == 0
                && (long) c.get("password_hashes") == 0 && (long) c.get("audit_log_tables") == 0
                && (long) c.get("users") == bo.get("users");
        data.put("checks", c);
        print("%nFront office checks:%n");
        print("  private posts                          %d%n", c.get("private_posts"));
        print("  users with an e-mail / password hash   %d / %d (of %d users)%n", c.get("emails"),
                c.get("password_hashes"), c.get("users"));
        print("  audit_log table                        %s%n", (long) c.get("audit_log_tables") == 0 ? "absent" : "PRESENT");
        return ok;
    }

    /**
     * Scans the front office's file byte by byte for private strings. Call it once the
     * subscriber is closed and every connection to the file too: it opens the file with Java I/O,
     * and closing that descriptor while SQLite of this process has the file open would drop
     * SQLite's locks on it.
     */
    @SuppressWarnings("unchecked")
    boolean scan(Path foFile) throws IOException {
        long found = secretsIn(foFile);
        ((Map<String, Object>) data.computeIfAbsent("checks", k -> new LinkedHashMap<String, Object>()))
                .put("secret_strings_in_file", found);
        print("  private strings in the FO's file       %d (e-mails, hashes, audit text, drafts)%n", found);
        return found == 0;
    }

    void failed(String why) {
        data.put("error", why);
        print("FAILED: %s%n", why);
    }

    void kept(Path dir) {
        data.put("dir", dir.toString());
        print("%nKept: %s (bo/forum.db, bo/public.db, fo/forum.db, certs/)%n", dir);
    }

    void finish(boolean ok) {
        data.put("writes", writes);
        data.put("ok", ok);
        print("%n%s%n", ok ? "OK: the front office serves the public data only." : "FAILED");
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", data.get("ok"));
        data.forEach(m::putIfAbsent);
        return m;
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** @return how many of the known private strings occur anywhere in the file's bytes */
    private static long secretsIn(Path file) throws IOException {
        int overlap = SECRETS.stream().mapToInt(String::length).max().orElse(1) - 1;
        java.util.Set<String> found = new java.util.HashSet<>();
        byte[] buf = new byte[64 * 1024];
        String tail = "";
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                String text = tail + new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                SECRETS.stream().filter(text::contains).forEach(found::add);
                tail = text.substring(Math.max(0, text.length() - overlap));
            }
        }
        return found.size();
    }

    private void print(String format, Object... args) {
        if (out != null) {
            out.printf(format, args);
            out.flush();
        }
    }
}
