package dev.dbsync.cli;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.PartialTable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;

/**
 * The demo's back office: a small forum with users (e-mails and password hashes, private),
 * posts (public and private) and an audit log (private), and the filter that publishes only
 * the public part.
 */
final class ForumDatabase {
    /** What the demo publishes: user ids, names and sign-up dates; public posts; never the audit log. */
    static final FilterSpec FILTER = FilterSpec.builder()
            .partialTable("users", PartialTable.of("id", "name", "created_at"))
            .filteredTable("posts", "visibility = 'public'")
            .build();

    /** Tables of the back office, in display order. */
    static final List<String> TABLES = List.of("users", "posts", "audit_log");

    private static final String[] NAMES = {"ada", "brian", "chloe", "dmitri", "emeka", "fatima"};
    private static final SecureRandom RANDOM = new SecureRandom();

    private ForumDatabase() {
    }

    /** Creates the database with its sample rows. */
    static void create(Path file) throws SQLException {
        try (Connection c = open(file); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, "
                    + "password_hash TEXT NOT NULL, created_at INTEGER NOT NULL)");
            s.execute("CREATE TABLE posts(id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), "
                    + "title TEXT NOT NULL, body TEXT NOT NULL, "
                    + "visibility TEXT NOT NULL CHECK (visibility IN ('public', 'private')), created_at INTEGER NOT NULL)");
            s.execute("CREATE TABLE audit_log(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, "
                    + "action TEXT NOT NULL)");
            c.setAutoCommit(false);
            for (String name : NAMES) {
                addUser(c, name);
            }
            for (int i = 0; i < 12; i++) {
                addPost(c, 1 + i % NAMES.length, "Post " + (i + 1), i % 3 == 2 ? "private" : "public");
            }
            c.commit();
        }
    }

    static Connection open(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    static long addUser(Connection c, String name) throws SQLException {
        long id;
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO users(name, email, password_hash, created_at) VALUES (?, ?, ?, unixepoch())",
                Statement.RETURN_GENERATED_KEYS)) {
            p.setString(1, name);
            p.setString(2, name + "@example.org");
            p.setString(3, passwordHash(name + "-secret"));
            p.executeUpdate();
            id = generatedKey(p);
        }
        audit(c, name, "signed up");
        return id;
    }

    static long addPost(Connection c, long userId, String title, String visibility) throws SQLException {
        long id;
        try (PreparedStatement p = c.prepareStatement("INSERT INTO posts(user_id, title, body, visibility, created_at) "
                + "VALUES (?, ?, ?, ?, unixepoch())", Statement.RETURN_GENERATED_KEYS)) {
            p.setLong(1, userId);
            p.setString(2, title);
            p.setString(3, "The text of " + title.toLowerCase(java.util.Locale.ROOT) + ".");
            p.setString(4, visibility);
            p.executeUpdate();
            id = generatedKey(p);
        }
        audit(c, "user " + userId, "posted #" + id + " (" + visibility + ")");
        return id;
    }

    static void retitle(Connection c, long postId, String title) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE posts SET title = ? WHERE id = ?")) {
            p.setString(1, title);
            p.setLong(2, postId);
            p.executeUpdate();
        }
        audit(c, "moderator", "retitled #" + postId);
    }

    static void audit(Connection c, String actor, String action) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO audit_log(at, actor, action) VALUES (unixepoch(), ?, ?)")) {
            p.setString(1, actor);
            p.setString(2, action);
            p.executeUpdate();
        }
    }

    private static long generatedKey(PreparedStatement p) throws SQLException {
        try (var keys = p.getGeneratedKeys()) {
            keys.next();
            return keys.getLong(1);
        }
    }

    /** A salted SHA-256, formatted like a real password hash column: private by nature. */
    private static String passwordHash(String password) {
        byte[] salt = new byte[8];
        RANDOM.nextBytes(salt);
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(salt);
            byte[] h = md.digest(password.getBytes(StandardCharsets.UTF_8));
            return "sha256$" + HexFormat.of().formatHex(salt) + "$" + HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
