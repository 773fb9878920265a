package dev.dbsync.filter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Identifiers for generated schemas, compared as SQLite compares them: ASCII {@code A}–{@code Z}
 * fold onto {@code a}–{@code z}, nothing else folds. Names are drawn from an alphabet of ASCII
 * letters, non-ASCII letters in both cases (é/É, ß/ẞ, ω/Ω, Cyrillic, å/Å) and characters Java
 * folds onto other letters (U+212A KELVIN SIGN, U+017F LONG S, U+0130/U+0131 dotted and dotless
 * i, U+2126 OHM SIGN, U+212B ANGSTROM SIGN). {@link #twin} makes a name SQLite keeps apart from
 * the original but {@link String#equalsIgnoreCase} merges with it. The alphabet holds no
 * underscore (so no name starts with {@code sqlite_} or collides with an FTS shadow table) and
 * none of the letters of {@code rowid}, {@code docid}, {@code rank} or {@code content}.
 *
 * <p>One instance is the name registry of one schema (or one table's columns): {@link #fresh}
 * never returns a name SQLite would consider equal to one already taken.
 */
final class SqliteNames {
    static final String ALPHABET = "abkKsSiIxyzXYZ" + "éÉßẞωΩдДжЖåÅ" + "\u212A\u017F\u0130\u0131\u2126\u212B";

    /** Pairs of one-character strings SQLite keeps apart and Java's equalsIgnoreCase merges. */
    static final String[][] TWINS = {{"é", "É"}, {"ß", "ẞ"}, {"ω", "Ω"}, {"Ω", "\u2126"}, {"ω", "\u2126"},
        {"д", "Д"}, {"ж", "Ж"}, {"å", "Å"}, {"å", "\u212B"}, {"k", "\u212A"}, {"K", "\u212A"}, {"s", "\u017F"},
        {"S", "\u017F"}, {"i", "\u0130"}, {"i", "\u0131"}, {"I", "\u0131"}, {"I", "\u0130"}};

    private final Random rnd;
    private final Set<String> taken = new HashSet<>();

    SqliteNames(Random rnd) {
        this.rnd = rnd;
    }

    /** SQLite's identifier folding: ASCII letters only. */
    static String fold(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            b.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch);
        }
        return b.toString();
    }

    /** The name as a quoted SQL identifier. */
    static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** The name for a failure message: as is, and with every non-ASCII character as U+XXXX. */
    static String describe(String name) {
        StringBuilder b = new StringBuilder();
        boolean ascii = true;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < 0x80) {
                b.append(ch);
            } else {
                ascii = false;
                b.append(String.format("<U+%04X>", (int) ch));
            }
        }
        return ascii ? "'" + name + "'" : "'" + name + "' (" + b + ")";
    }

    /** The same name as SQLite sees it, with the case of its ASCII letters changed at random. */
    String asciiVariant(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            boolean letter = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
            b.append(letter && rnd.nextBoolean() ? (char) (ch ^ 0x20) : ch);
        }
        return b.toString();
    }

    /** A new name, distinct (as SQLite compares) from every name taken, holding a twinnable letter. */
    String fresh() {
        while (true) {
            StringBuilder b = new StringBuilder();
            int length = 2 + rnd.nextInt(4);
            int twinAt = rnd.nextInt(length);
            for (int i = 0; i < length; i++) {
                if (i == twinAt) {
                    String[] pair = TWINS[rnd.nextInt(TWINS.length)];
                    b.append(pair[rnd.nextInt(2)]);
                } else {
                    b.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
                }
            }
            if (take(b.toString())) {
                return b.toString();
            }
        }
    }

    /**
     * A name SQLite keeps apart from {@code name} (and from every name taken) that Java's
     * {@code equalsIgnoreCase} considers equal to it, or null when there is none left.
     */
    String twin(String name) {
        List<String> candidates = new ArrayList<>();
        for (int i = 0; i < name.length(); i++) {
            String ch = name.substring(i, i + 1);
            for (String[] pair : TWINS) {
                for (int side = 0; side < 2; side++) {
                    if (pair[side].equals(ch)) {
                        candidates.add(name.substring(0, i) + pair[1 - side] + name.substring(i + 1));
                    }
                }
            }
        }
        while (!candidates.isEmpty()) {
            String twin = candidates.remove(rnd.nextInt(candidates.size()));
            if (!twin.equalsIgnoreCase(name)) {
                throw new AssertionError("not a Java twin: " + describe(twin) + " of " + describe(name));
            }
            if (take(twin)) {
                return twin;
            }
        }
        return null;
    }

    /** Reserves a name; false when SQLite would consider it equal to one already taken. */
    boolean take(String name) {
        return taken.add(fold(name));
    }
}
