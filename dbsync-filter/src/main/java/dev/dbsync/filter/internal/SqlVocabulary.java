package dev.dbsync.filter.internal;

import dev.dbsync.api.SqlName;
import java.util.Set;

/** The words a filter expression may and may not use. */
final class SqlVocabulary {
    private SqlVocabulary() {
    }

    /** Deterministic scalar functions a filter may call (lower case). */
    static final Set<String> FUNCTIONS = Set.of(
            "abs", "ceil", "ceiling", "char", "coalesce", "concat", "concat_ws", "date", "datetime", "floor",
            "glob", "hex", "ifnull", "iif", "instr", "json", "json_array_length", "json_extract", "json_type",
            "json_valid", "julianday", "length", "like", "likelihood", "likely", "lower", "ltrim", "max",
            "min", "nullif", "octet_length", "replace", "round", "rtrim", "sign", "strftime", "substr",
            "substring", "time", "trim", "trunc", "typeof", "unicode", "unixepoch", "unlikely", "upper");

    /** Words with a meaning inside expressions; they are not column names when bare. */
    static final Set<String> EXPRESSION_KEYWORDS = Set.of(
            "AND", "OR", "NOT", "IS", "IN", "BETWEEN", "LIKE", "GLOB", "MATCH", "REGEXP", "ESCAPE", "ISNULL",
            "NOTNULL", "NULL", "CASE", "WHEN", "THEN", "ELSE", "END", "CAST", "AS", "COLLATE", "DISTINCT",
            "FROM", "TRUE", "FALSE", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP");

    /** Words that start or shape statements, queries and clauses: never allowed bare in a filter. */
    static final Set<String> FORBIDDEN_KEYWORDS = Set.of(
            "SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "UPSERT", "DROP", "CREATE", "ALTER", "ATTACH",
            "DETACH", "PRAGMA", "VACUUM", "REINDEX", "ANALYZE", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT",
            "RELEASE", "WITH", "RECURSIVE", "VALUES", "EXISTS", "RAISE", "UNION", "EXCEPT", "INTERSECT",
            "ORDER", "GROUP", "HAVING", "LIMIT", "OFFSET", "WINDOW", "OVER", "FILTER", "INTO", "TABLE",
            "INDEX", "VIEW", "TRIGGER", "EXPLAIN", "RETURNING", "DEFAULT", "JOIN", "WHERE", "SET",
            "TRANSACTION", "DATABASE", "USING", "ALL");

    /** Length of the longest keyword in either set: longer words are never keywords. */
    static final int LONGEST_KEYWORD = 17;

    /** The keyword sets in SQLite's folded (ASCII lower-case) form. */
    private static final Set<String> EXPRESSION_FOLDED = folded(EXPRESSION_KEYWORDS);
    private static final Set<String> FORBIDDEN_FOLDED = folded(FORBIDDEN_KEYWORDS);

    // SQLite recognises function names and keywords folding ASCII letters only (SqlName)
    static boolean isFunction(String name) {
        return FUNCTIONS.contains(SqlName.fold(name));
    }

    static boolean isExpressionKeyword(String word) {
        return EXPRESSION_FOLDED.contains(SqlName.fold(word));
    }

    static boolean isForbidden(String word) {
        return FORBIDDEN_FOLDED.contains(SqlName.fold(word));
    }

    private static Set<String> folded(Set<String> words) {
        return Set.copyOf(words.stream().map(SqlName::fold).toList());
    }
}
