package dev.dbsync.filter.internal;

import dev.dbsync.api.SqlName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The module of a virtual table and the arguments it was created with, read from its stored
 * {@code CREATE VIRTUAL TABLE … USING module(arg, …)} statement exactly as SQLite reads them
 * ({@code parse.y}, {@code vtab.c}): the module name is an identifier (bare, {@code "m"},
 * {@code [m]}, {@code `m`} or {@code 'm'}) compared ignoring ASCII case; each argument is the
 * raw text from its first token to its last (inner comments included, as SQLite hands it to
 * the module), arguments being split at commas outside parentheses, empty ones dropped.
 *
 * @param name the module name, unquoted, as written
 * @param arguments the module arguments, raw
 */
public record VirtualTableModule(String name, List<String> arguments) {
    /** What dbsync knows a module to be. */
    public enum Kind {
        /** FTS3: stores its own content (it has no content= option). */
        FTS3,
        /** FTS4: own, external ({@code content=table}) or no content ({@code content=''}). */
        FTS4,
        /** FTS5: own, external ({@code content=table}) or no content ({@code content=''}). */
        FTS5,
        /** R*Tree ({@code rtree}, {@code rtree_i32}): stores its own content. */
        RTREE,
        /** A read-only view of other data: fts5vocab, fts4aux, fts3tokenize, dbstat, …. */
        READ_ONLY,
        /** A module dbsync does not know. */
        UNKNOWN
    }

    private static final List<String> READ_ONLY = List.of("fts5vocab", "fts4aux", "fts3tokenize", "dbstat",
            "sqlite_dbpage", "sqlite_stmt");

    /** Copies the argument list. */
    public VirtualTableModule {
        arguments = List.copyOf(arguments);
    }

    /**
     * @param createSql a table's stored CREATE statement
     * @return its module and arguments, or empty when the statement is not a CREATE VIRTUAL
     *     TABLE that SQLite would accept
     */
    public static Optional<VirtualTableModule> parse(String createSql) {
        List<Token> tokens = SqlLexer.tokenize(createSql).stream().filter(t -> t.kind() != TokenKind.COMMENT).toList();
        int i = 0;
        for (String word : List.of("CREATE", "VIRTUAL", "TABLE")) {
            if (i >= tokens.size() || !tokens.get(i++).isWord(createSql, word)) {
                return Optional.empty();
            }
        }
        if (i + 2 < tokens.size() && tokens.get(i).isWord(createSql, "IF") && tokens.get(i + 1).isWord(createSql, "NOT")
                && tokens.get(i + 2).isWord(createSql, "EXISTS")) {
            i += 3;
        }
        if (!isName(tokens, i++)) {
            return Optional.empty();
        }
        if (i + 1 < tokens.size() && tokens.get(i).isOperator(createSql, ".")) {
            if (!isName(tokens, i + 1)) {
                return Optional.empty();
            }
            i += 2;
        }
        if (i >= tokens.size() || !tokens.get(i++).isWord(createSql, "USING") || !isName(tokens, i)) {
            return Optional.empty();
        }
        String module = tokens.get(i++).identifier(createSql);
        if (i == tokens.size()) {
            return Optional.of(new VirtualTableModule(module, List.of()));
        }
        if (!tokens.get(i).isOperator(createSql, "(") || !tokens.get(tokens.size() - 1).isOperator(createSql, ")")) {
            return Optional.empty();
        }
        List<String> arguments = new ArrayList<>();
        int depth = 0;
        Token first = null;
        Token last = null;
        for (int k = i + 1; k < tokens.size() - 1; k++) {
            Token t = tokens.get(k);
            if (depth == 0 && t.isOperator(createSql, ",")) {
                addArgument(createSql, first, last, arguments);
                first = null;
                continue;
            }
            if (t.isOperator(createSql, "(")) {
                depth++;
            } else if (t.isOperator(createSql, ")") && --depth < 0) {
                return Optional.empty();
            }
            if (first == null) {
                first = t;
            }
            last = t;
        }
        if (depth != 0) {
            return Optional.empty();
        }
        addArgument(createSql, first, last, arguments);
        return Optional.of(new VirtualTableModule(module, arguments));
    }

    private static boolean isName(List<Token> tokens, int i) {
        if (i >= tokens.size()) {
            return false;
        }
        TokenKind k = tokens.get(i).kind();
        return k == TokenKind.WORD || k == TokenKind.QUOTED_ID || k == TokenKind.STRING;
    }

    private static void addArgument(String sql, Token first, Token last, List<String> arguments) {
        if (first != null) {
            arguments.add(sql.substring(first.start(), last.end()));
        }
    }

    /** @return what dbsync knows this module to be */
    public Kind kind() {
        if (SqlName.same(name, "fts3")) {
            return Kind.FTS3;
        }
        if (SqlName.same(name, "fts4")) {
            return Kind.FTS4;
        }
        if (SqlName.same(name, "fts5")) {
            return Kind.FTS5;
        }
        if (SqlName.same(name, "rtree") || SqlName.same(name, "rtree_i32")) {
            return Kind.RTREE;
        }
        return READ_ONLY.stream().anyMatch(m -> SqlName.same(name, m)) ? Kind.READ_ONLY : Kind.UNKNOWN;
    }
}
