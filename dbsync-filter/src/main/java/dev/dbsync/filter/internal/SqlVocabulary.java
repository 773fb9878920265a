package dev.dbsync.filter.internal;

import java.util.Locale;
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

    static boolean isFunction(String name) {
        return FUNCTIONS.contains(name.toLowerCase(Locale.ROOT));
    }

    static boolean isExpressionKeyword(String word) {
        return EXPRESSION_KEYWORDS.contains(word.toUpperCase(Locale.ROOT));
    }

    static boolean isForbidden(String word) {
        return FORBIDDEN_KEYWORDS.contains(word.toUpperCase(Locale.ROOT));
    }
}
