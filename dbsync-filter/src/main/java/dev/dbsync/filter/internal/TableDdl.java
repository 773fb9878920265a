package dev.dbsync.filter.internal;

import dev.dbsync.api.FilterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Rewrites a CREATE TABLE statement for a partial table so that blanked columns cannot make
 * production fail: the UNIQUE, CHECK and (non-rowid) PRIMARY KEY constraints involving a
 * blanked column are dropped, since blanked values are all NULL or all the same zero value.
 * Everything else — types, NOT NULL, DEFAULT, COLLATE, REFERENCES, generated columns, table
 * options such as STRICT or WITHOUT ROWID — is kept as written.
 */
public final class TableDdl {
    private static final Set<String> CONSTRAINT_STARTS = Set.of("CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE",
            "CHECK", "DEFAULT", "COLLATE", "REFERENCES", "GENERATED", "AS");
    private static final Set<String> TABLE_CONSTRAINT_STARTS = Set.of("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK",
            "FOREIGN");

    private TableDdl() {
    }

    /**
     * @param sql a CREATE TABLE statement
     * @param blanked whether a column (by name, any case) is blanked
     * @param rowidAlias the blanked-or-not INTEGER PRIMARY KEY column, whose PRIMARY KEY is kept
     * @return the statement without the constraints blanked columns would break
     */
    public static String withoutBlankedConstraints(String sql, Predicate<String> blanked, String rowidAlias) {
        List<Token> tokens = SqlLexer.tokenize(sql);
        int open = -1;
        for (int i = 0; i < tokens.size(); i++) {
            if (isOp(sql, tokens.get(i), "(")) {
                open = i;
                break;
            }
        }
        if (open < 0) {
            throw new FilterException(null, "cannot read the table definition: " + sql);
        }
        List<List<Token>> items = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int depth = 0;
        int close = -1;
        for (int i = open + 1; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind() == TokenKind.COMMENT) {
                continue;
            }
            if (isOp(sql, t, "(")) {
                depth++;
            } else if (isOp(sql, t, ")")) {
                if (depth == 0) {
                    close = i;
                    break;
                }
                depth--;
            } else if (depth == 0 && isOp(sql, t, ",")) {
                items.add(current);
                current = new ArrayList<>();
                continue;
            }
            current.add(t);
        }
        items.add(current);
        if (close < 0) {
            throw new FilterException(null, "cannot read the table definition: " + sql);
        }
        List<String> kept = new ArrayList<>();
        for (List<Token> item : items) {
            if (item.isEmpty()) {
                continue;
            }
            Token first = item.get(0);
            boolean tableConstraint = first.kind() == TokenKind.WORD
                    && TABLE_CONSTRAINT_STARTS.contains(first.text(sql).toUpperCase(java.util.Locale.ROOT));
            if (tableConstraint) {
                if (!dropTableConstraint(sql, item, blanked, rowidAlias)) {
                    kept.add(span(sql, item));
                }
            } else {
                kept.add(column(sql, item, blanked, rowidAlias));
            }
        }
        return sql.substring(0, tokens.get(open).end()) + String.join(", ", kept)
                + sql.substring(tokens.get(close).start());
    }

    private static boolean dropTableConstraint(String sql, List<Token> item, Predicate<String> blanked,
            String rowidAlias) {
        String kind = constraintKind(sql, item);
        if (!kind.equals("PRIMARY") && !kind.equals("UNIQUE") && !kind.equals("CHECK")) {
            return false;
        }
        boolean touches = false;
        boolean aliasOnly = true;
        for (Token t : item) {
            if ((t.kind() == TokenKind.WORD || t.kind() == TokenKind.QUOTED_ID) && blanked.test(t.identifier(sql))) {
                touches = true;
                if (rowidAlias == null || !t.identifier(sql).equalsIgnoreCase(rowidAlias)) {
                    aliasOnly = false;
                }
            }
        }
        return touches && !(kind.equals("PRIMARY") && aliasOnly);
    }

    private static String constraintKind(String sql, List<Token> item) {
        int i = 0;
        if (item.get(0).isWord(sql, "CONSTRAINT")) {
            i = 2;
        }
        return i < item.size() ? item.get(i).text(sql).toUpperCase(java.util.Locale.ROOT) : "";
    }

    private static String column(String sql, List<Token> item, Predicate<String> blanked, String rowidAlias) {
        String name = item.get(0).kind() == TokenKind.WORD || item.get(0).kind() == TokenKind.QUOTED_ID
                || item.get(0).kind() == TokenKind.STRING ? item.get(0).identifier(sql) : null;
        if (name == null || !blanked.test(name)) {
            return span(sql, item);
        }
        boolean alias = rowidAlias != null && rowidAlias.equalsIgnoreCase(name);
        List<List<Token>> segments = new ArrayList<>();
        List<Token> seg = new ArrayList<>();
        int depth = 0;
        boolean afterConstraintName = false;
        for (int i = 0; i < item.size(); i++) {
            Token t = item.get(i);
            boolean start = i > 0 && depth == 0 && t.kind() == TokenKind.WORD
                    && CONSTRAINT_STARTS.contains(t.text(sql).toUpperCase(java.util.Locale.ROOT)) && !afterConstraintName;
            if (start) {
                segments.add(seg);
                seg = new ArrayList<>();
            }
            afterConstraintName = false;
            if (isOp(sql, t, "(")) {
                depth++;
            } else if (isOp(sql, t, ")")) {
                depth--;
            }
            seg.add(t);
            if (depth == 0 && t.isWord(sql, "CONSTRAINT")) {
                // the next token is the constraint's name, then the constraint itself
                afterConstraintName = true;
                if (i + 1 < item.size()) {
                    seg.add(item.get(++i));
                }
                afterConstraintName = true;
            }
        }
        segments.add(seg);
        StringBuilder out = new StringBuilder(span(sql, segments.get(0)));
        for (int s = 1; s < segments.size(); s++) {
            List<Token> g = segments.get(s);
            String kind = constraintKind(sql, g);
            boolean drop = kind.equals("UNIQUE") || kind.equals("CHECK") || (kind.equals("PRIMARY") && !alias);
            if (!drop) {
                out.append(' ').append(span(sql, g));
            }
        }
        return out.toString();
    }

    private static String span(String sql, List<Token> tokens) {
        return sql.substring(tokens.get(0).start(), tokens.get(tokens.size() - 1).end());
    }

    private static boolean isOp(String sql, Token t, String op) {
        return t.kind() == TokenKind.OPERATOR && t.end() - t.start() == op.length()
                && sql.startsWith(op, t.start());
    }
}
