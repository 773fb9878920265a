package dev.dbsync.api;

import java.util.Objects;

/**
 * An SQL identifier (table, view, column, index name) that compares as SQLite compares
 * identifiers: ignoring the case of the ASCII letters {@code A}–{@code Z} only. No locale and
 * no Unicode case folding is involved, so {@code é} and {@code É}, {@code key} and
 * {@code \u212Aey} (U+212A KELVIN SIGN), {@code ssn} and {@code \u017Fsn} (U+017F LONG S) are
 * different names, exactly as they are different tables or columns to SQLite.
 *
 * <p>This is the one rule by which dbsync decides that two names are "the same name"; every
 * comparison and map key of an identifier goes through it. Instances are immutable and
 * thread-safe; {@link #equals}, {@link #hashCode} and {@link #compareTo} use the folded form,
 * {@link #toString()} gives the name as written.
 *
 * <pre>{@code
 * SqlName.of("Users").equals(SqlName.of("USERS"));      // true
 * SqlName.same("\u212Aey", "key");                       // false
 * }</pre>
 */
public final class SqlName implements Comparable<SqlName> {
    private final String name;
    private final String folded;

    private SqlName(String name) {
        this.name = name;
        this.folded = fold(name);
    }

    /**
     * @param name an identifier as written (unquoted)
     * @return the name
     * @throws NullPointerException if {@code name} is null
     */
    public static SqlName of(String name) {
        return new SqlName(Objects.requireNonNull(name, "name"));
    }

    /**
     * Folds a name as SQLite does: {@code A}–{@code Z} become {@code a}–{@code z}, every other
     * character is kept as it is.
     *
     * @param name an identifier or keyword
     * @return its folded form; two names are the same to SQLite exactly when their folded
     *     forms are equal
     */
    public static String fold(String name) {
        int n = name.length();
        int i = 0;
        while (i < n && !isAsciiUpper(name.charAt(i))) {
            i++;
        }
        if (i == n) {
            return name;
        }
        char[] out = name.toCharArray();
        for (; i < n; i++) {
            if (isAsciiUpper(out[i])) {
                out[i] = (char) (out[i] + ('a' - 'A'));
            }
        }
        return new String(out);
    }

    /**
     * @param a a name
     * @param b another name
     * @return true when SQLite considers them the same identifier
     */
    public static boolean same(String a, String b) {
        int n = a.length();
        if (n != b.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y && lower(x) != lower(y)) {
                return false;
            }
        }
        return true;
    }

    /** @return the name as written */
    public String name() {
        return name;
    }

    /** @return the folded form, the same for every spelling SQLite considers this name */
    public String folded() {
        return folded;
    }

    /**
     * @param other a name as written
     * @return true when SQLite considers it this name
     */
    public boolean matches(String other) {
        return same(name, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SqlName other && folded.equals(other.folded);
    }

    @Override
    public int hashCode() {
        return folded.hashCode();
    }

    /** Orders by folded form, consistently with {@link #equals}. */
    @Override
    public int compareTo(SqlName o) {
        return folded.compareTo(o.folded);
    }

    /** @return the name as written */
    @Override
    public String toString() {
        return name;
    }

    private static boolean isAsciiUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static char lower(char c) {
        return isAsciiUpper(c) ? (char) (c + ('a' - 'A')) : c;
    }
}
