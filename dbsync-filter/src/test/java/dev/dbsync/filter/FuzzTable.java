package dev.dbsync.filter;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

/**
 * The table the generated clauses filter: {@code items}, whose columns have plain names,
 * keyword names that must be quoted, names containing keywords, a non-ASCII name, a name
 * holding quote characters and a name longer than any keyword; and a fixed set of rows mixing
 * NULLs, integers, reals, text, blobs and JSON documents.
 */
final class FuzzTable {
    static final String TABLE = "items";

    static final String DDL = "CREATE TABLE items (id INTEGER PRIMARY KEY, n INTEGER, r REAL, t TEXT, b BLOB, "
            + "\"order\" TEXT, select_count INTEGER, \"from\" INTEGER, null_or_not INTEGER, prénom TEXT, "
            + "\"odd \"\"name]\" TEXT, a_column_name_longer_than_keywords REAL, doc TEXT)";

    /** Every way a generated clause refers to a (non-JSON) column. */
    static final String[] REFERENCES = {"id", "\"id\"", "[id]", "`id`", "rowid", "_rowid_", "oid", "n", "\"n\"",
        "[n]", "`n`", "items.n", "\"items\".\"n\"", "r", "[r]", "t", "\"t\"", "`t`", "items.t", "b", "\"order\"",
        "[order]", "`order`", "items.\"order\"", "select_count", "[select_count]", "\"from\"", "[from]", "`from`",
        "null_or_not", "`null_or_not`", "prénom", "\"prénom\"", "[prénom]", "\"odd \"\"name]\"", "`odd \"name]`",
        "a_column_name_longer_than_keywords", "items.a_column_name_longer_than_keywords"};

    /** The references to the column holding JSON documents (or NULL). */
    static final String[] JSON_REFERENCES = {"doc", "\"doc\"", "[doc]", "`doc`", "items.doc"};

    private static final Object[] INTS = {null, 0, 1, 2, 7, 42, 100, -1, -42, 255, 1_000, 9_223_372_036_854_775_807L};
    private static final Object[] REALS = {null, 0.0, 0.5, 1.5, -2.25, 1e10, 3.14159, 1e-3, 42.0};
    private static final Object[] TEXTS = {null, "", "public", "Public", "private", "it's", "a%b", "_", "2024-01-31",
        "2024-02-29 12:30:00", "12:30", "42", "1e3", "Ünïcödé", "日本語", "😀", "  padded  ", "ab\ncd", "x'y'z",
        "; DROP TABLE items; --", "NOCASE", "a"};
    private static final Object[] BLOBS = {null, new byte[0], new byte[] {0}, new byte[] {0x41, 0x42, 0x43},
        new byte[] {0x0a, (byte) 0xff}};
    private static final Object[] DOCS = {null, "{\"a\":1,\"b\":[1,2,3],\"c\":{\"d\":\"x\"}}", "[]",
        "{\"a\":\"public\"}", "null", "42", "\"s\"", "[1,\"x\",null]", "{\"b\":[0,2.5]}"};

    /** Rows in the table. */
    static final int ROWS = 40;

    private FuzzTable() {
    }

    /** Creates the table and fills it with the same rows every time. */
    static void create(Path db) throws SQLException {
        Random rnd = new Random(20_241_126);
        try (Connection c = SqliteFiles.open(db); Statement s = c.createStatement()) {
            s.execute(DDL);
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                for (int row = 1; row <= ROWS; row++) {
                    ps.setLong(1, row);
                    ps.setObject(2, pick(rnd, INTS, TEXTS, REALS));
                    ps.setObject(3, pick(rnd, REALS, INTS, TEXTS));
                    ps.setObject(4, pick(rnd, TEXTS, INTS, BLOBS));
                    ps.setObject(5, pick(rnd, BLOBS, TEXTS, INTS));
                    ps.setObject(6, pick(rnd, TEXTS, TEXTS, INTS));
                    ps.setObject(7, pick(rnd, INTS, INTS, REALS));
                    ps.setObject(8, pick(rnd, INTS, TEXTS, INTS));
                    ps.setObject(9, pick(rnd, INTS, INTS, TEXTS));
                    ps.setObject(10, pick(rnd, TEXTS, TEXTS, TEXTS));
                    ps.setObject(11, pick(rnd, TEXTS, INTS, TEXTS));
                    ps.setObject(12, pick(rnd, REALS, REALS, INTS));
                    ps.setObject(13, DOCS[rnd.nextInt(DOCS.length)]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    /** Mostly a value of the column's own type, sometimes one of another type (SQLite allows it). */
    private static Object pick(Random rnd, Object[] usual, Object[] other, Object[] rare) {
        int k = rnd.nextInt(10);
        Object[] pool = k < 7 ? usual : k < 9 ? other : rare;
        return pool[rnd.nextInt(pool.length)];
    }
}
