package dev.dbsync.filter.internal;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.SqlName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Rewrites the CREATE TABLE statement of a partial table so that its schema text carries no
 * private data and its blanked columns cannot make production fail:
 * <ul>
 *   <li>a blanked column keeps only its name (quoted), its declared type, a bare
 *       {@code NOT NULL} when it had one (its zero value is written then) and, for the rowid
 *       alias, its {@code PRIMARY KEY}; no DEFAULT literal, COLLATE, REFERENCES, CHECK, UNIQUE
 *       or generating expression;</li>
 *   <li>a CHECK constraint of a published column that mentions a blanked column is dropped;</li>
 *   <li>a table constraint (PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY) that mentions a blanked
 *       column in any form — bare, quoted, or as a string literal — is dropped, except the
 *       PRIMARY KEY of the rowid alias;</li>
 *   <li>a published generated column whose expression reads a blanked column is an error
 *       naming both.</li>
 * </ul>
 * Everything else, table options such as STRICT or WITHOUT ROWID included, is kept as
 * written. Comments are ignored (the catalog has already removed them).
 */
public final class TableDdl {
    private static final Set<String> CONSTRAINT_STARTS = Set.of("constraint", "primary", "not", "null", "unique",
            "check", "default", "collate", "references", "generated", "as");
    private static final Set<String> TABLE_CONSTRAINT_STARTS = Set.of("constraint", "primary", "unique", "check",
            "foreign");

    private TableDdl() {
    }

    /**
     * A constraint the rewrite dropped because it mentions a blanked column.
     *
     * @param constraint its text as written in the source, e.g. {@code CHECK (length(email) > 3)}
     * @param column the column it is a constraint of, or empty for a table constraint
     * @param blankedColumn the blanked column it mentions (the first one, as written)
     */
    public record DroppedConstraint(String constraint, Optional<String> column, String blankedColumn) {
    }

    /**
     * The CREATE TABLE statement of a partial table as the snapshot holds it, and what was
     * dropped from it.
     *
     * @param sql the statement to create the table in the snapshot
     * @param dropped the constraints dropped because they mention a blanked column, in order
     */
    public record PartialDdl(String sql, List<DroppedConstraint> dropped) {
    }

    /**
     * @param table the table's name, for messages
     * @param sql its CREATE TABLE statement
     * @param blanked whether a column (by name, compared as SQLite compares names) is blanked
     * @param rowidAlias the INTEGER PRIMARY KEY column aliasing the rowid, or null
     * @return the statement to create the table in the snapshot
     * @throws FilterException if the statement cannot be read, or a published generated
     *     column reads a blanked column
     */
    public static String forPartialTable(String table, String sql, Predicate<String> blanked, String rowidAlias) {
        return rewrite(table, sql, blanked, rowidAlias).sql();
    }

    /**
     * Rewrites a partial table's CREATE TABLE statement as {@link #forPartialTable} does,
     * saying which constraints were dropped and why.
     *
     * @param table the table's name, for messages
     * @param sql its CREATE TABLE statement
     * @param blanked whether a column (by name, compared as SQLite compares names) is blanked
     * @param rowidAlias the INTEGER PRIMARY KEY column aliasing the rowid, or null
     * @return the statement and the dropped constraints
     * @throws FilterException as {@link #forPartialTable} does
     */
    public static PartialDdl rewrite(String table, String sql, Predicate<String> blanked, String rowidAlias) {
        List<Token> tokens = new ArrayList<>(SqlLexer.tokenize(sql));
        tokens.removeIf(t -> t.kind() == TokenKind.COMMENT);
        int open = -1;
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isOperator(sql, "(")) {
                open = i;
                break;
            }
        }
        if (open < 0) {
            throw new FilterException(table, "cannot read the definition of table '" + table + "'");
        }
        List<List<Token>> items = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int depth = 0;
        int close = -1;
        for (int i = open + 1; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.isOperator(sql, "(")) {
                depth++;
            } else if (t.isOperator(sql, ")")) {
                if (depth == 0) {
                    close = i;
                    break;
                }
                depth--;
            } else if (depth == 0 && t.isOperator(sql, ",")) {
                items.add(current);
                current = new ArrayList<>();
                continue;
            }
            current.add(t);
        }
        items.add(current);
        if (close < 0) {
            throw new FilterException(table, "cannot read the definition of table '" + table + "'");
        }
        List<String> kept = new ArrayList<>();
        List<DroppedConstraint> dropped = new ArrayList<>();
        for (List<Token> item : items) {
            if (item.isEmpty()) {
                continue;
            }
            Token first = item.get(0);
            boolean tableConstraint = first.kind() == TokenKind.WORD
                    && TABLE_CONSTRAINT_STARTS.contains(SqlName.fold(first.text(sql)));
            if (!tableConstraint) {
                kept.add(column(table, sql, item, blanked, rowidAlias, dropped));
                continue;
            }
            Optional<String> reads = dropTableConstraint(sql, item, blanked, rowidAlias);
            if (reads.isEmpty()) {
                kept.add(span(sql, item));
            } else {
                dropped.add(new DroppedConstraint(span(sql, item), Optional.empty(), reads.get()));
            }
        }
        return new PartialDdl(sql.substring(0, tokens.get(open).end()) + String.join(", ", kept)
                + sql.substring(tokens.get(close).start()), List.copyOf(dropped));
    }

    /**
     * @param indexSql a CREATE INDEX statement
     * @param names whether a name (compared as SQLite compares names) is one to look for
     * @return true when the index mentions such a name in any form — in its column list or
     *     expressions, as a bare, quoted or string-quoted name, or in its WHERE predicate
     */
    public static boolean indexMentions(String indexSql, Predicate<String> names) {
        return indexMention(indexSql, names).isPresent();
    }

    /**
     * @param indexSql a CREATE INDEX statement
     * @param names whether a name (compared as SQLite compares names) is one to look for
     * @return the first such name the index mentions in any form (see {@link #indexMentions}),
     *     as written in the statement
     */
    public static Optional<String> indexMention(String indexSql, Predicate<String> names) {
        List<Token> tokens = SqlLexer.tokenize(indexSql);
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isOperator(indexSql, "(")) {
                return mentions(indexSql, tokens.subList(i, tokens.size()), false, true, true).stream()
                        .filter(names).findFirst();
            }
        }
        return Optional.empty();
    }

    /** @return the blanked column that makes the table constraint dropped, if it is */
    private static Optional<String> dropTableConstraint(String sql, List<Token> item, Predicate<String> blanked,
            String rowidAlias) {
        String kind = constraintKind(sql, item);
        // a FOREIGN KEY's own columns are its first parenthesized list; REFERENCES names another table's
        List<String> mentioned = mentions(sql, item, kind.equals("foreign"), true, false);
        List<String> blankedMentions = mentioned.stream().filter(blanked).toList();
        if (blankedMentions.isEmpty()) {
            return Optional.empty();
        }
        boolean aliasOnly = rowidAlias != null && blankedMentions.stream().allMatch(n -> SqlName.same(n, rowidAlias));
        return kind.equals("primary") && aliasOnly ? Optional.empty() : Optional.of(blankedMentions.get(0));
    }

    /** @return the folded keyword a constraint starts with, after its optional CONSTRAINT name */
    private static String constraintKind(String sql, List<Token> item) {
        int i = item.get(0).isWord(sql, "CONSTRAINT") ? 2 : 0;
        return i < item.size() ? SqlName.fold(item.get(i).text(sql)) : "";
    }

    private static String column(String table, String sql, List<Token> item, Predicate<String> blanked,
            String rowidAlias, List<DroppedConstraint> droppedConstraints) {
        Token nameToken = item.get(0);
        boolean named = nameToken.kind() == TokenKind.WORD || nameToken.kind() == TokenKind.QUOTED_ID
                || nameToken.kind() == TokenKind.STRING;
        if (!named) {
            return span(sql, item);
        }
        String name = nameToken.identifier(sql);
        List<List<Token>> segments = segments(sql, item);
        if (blanked.test(name)) {
            return blankedColumn(sql, name, segments, rowidAlias != null && SqlName.same(rowidAlias, name));
        }
        StringBuilder out = new StringBuilder(span(sql, segments.get(0)));
        boolean dropped = false;
        for (List<Token> g : segments.subList(1, segments.size())) {
            String kind = constraintKind(sql, g);
            boolean expression = kind.equals("check") || kind.equals("as");
            List<String> read = expression
                    ? mentions(sql, g, false, kind.equals("check"), false).stream().filter(blanked).toList()
                    : List.of();
            if (read.isEmpty()) {
                out.append(' ').append(span(sql, g));
            } else if (kind.equals("as")) {
                throw new FilterException(table, "generated column '" + name + "' of partial table '" + table
                        + "' reads column '" + read.get(0) + "', which is not published; list '" + read.get(0)
                        + "' too, or leave '" + name + "' out");
            } else {
                dropped = true;
                droppedConstraints.add(new DroppedConstraint(span(sql, g), Optional.of(name), read.get(0)));
            }
        }
        return dropped ? out.toString() : span(sql, item);
    }

    private static String blankedColumn(String sql, String name, List<List<Token>> segments, boolean alias) {
        List<Token> head = segments.get(0);
        StringBuilder out = new StringBuilder(SqlNames.quote(name));
        if (head.size() > 1) {
            out.append(' ').append(span(sql, head.subList(1, head.size())));
        }
        for (List<Token> g : segments.subList(1, segments.size())) {
            int k = g.get(0).isWord(sql, "CONSTRAINT") ? 2 : 0;
            String kind = constraintKind(sql, g);
            if (kind.equals("not") && k + 1 < g.size() && g.get(k + 1).isWord(sql, "NULL")) {
                out.append(" NOT NULL");
            } else if (kind.equals("primary") && alias) {
                out.append(' ').append(span(sql, g.subList(k, g.size())));
            }
        }
        return out.toString();
    }

    /**
     * Splits a column definition into its name-and-type head and one segment per column
     * constraint (a segment starts at a constraint keyword outside parentheses; a CONSTRAINT
     * name stays with the constraint it names).
     */
    private static List<List<Token>> segments(String sql, List<Token> item) {
        List<List<Token>> segments = new ArrayList<>();
        List<Token> seg = new ArrayList<>();
        int depth = 0;
        for (int i = 0; i < item.size(); i++) {
            Token t = item.get(i);
            boolean start = i > 0 && depth == 0 && t.kind() == TokenKind.WORD
                    && CONSTRAINT_STARTS.contains(SqlName.fold(t.text(sql)))
                    && !(t.isWord(sql, "NULL") && item.get(i - 1).isWord(sql, "NOT"))
                    // GENERATED is a type word unless GENERATED ALWAYS AS follows, as SQLite parses it
                    && !(t.isWord(sql, "GENERATED") && !(i + 1 < item.size() && item.get(i + 1).isWord(sql, "ALWAYS")));
            if (start && !seg.isEmpty()) {
                segments.add(seg);
                seg = new ArrayList<>();
            }
            if (t.isOperator(sql, "(")) {
                depth++;
            } else if (t.isOperator(sql, ")")) {
                depth--;
            }
            seg.add(t);
            if (depth == 0 && t.isWord(sql, "CONSTRAINT") && i + 1 < item.size()) {
                // the constraint's name, then the constraint itself, in the same segment
                seg.add(item.get(++i));
                if (i + 1 < item.size()) {
                    seg.add(item.get(++i));
                }
            }
        }
        segments.add(seg);
        return segments;
    }

    /**
     * The names a constraint or expression may refer to: every bare word, quoted name and
     * (when {@code strings}) string literal inside its parentheses, except function names
     * (a word right before {@code (}) and collation names (the word after COLLATE).
     *
     * @param firstGroupOnly only the first parenthesized group (a FOREIGN KEY's own columns)
     * @param outside also the tokens outside parentheses (an index's WHERE predicate)
     */
    private static List<String> mentions(String sql, List<Token> tokens, boolean firstGroupOnly, boolean strings,
            boolean outside) {
        List<String> names = new ArrayList<>();
        int depth = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.isOperator(sql, "(")) {
                depth++;
                continue;
            }
            if (t.isOperator(sql, ")")) {
                depth--;
                if (depth == 0 && firstGroupOnly) {
                    break;
                }
                continue;
            }
            if (depth == 0 && !outside) {
                continue;
            }
            boolean function = t.kind() == TokenKind.WORD && i + 1 < tokens.size()
                    && tokens.get(i + 1).isOperator(sql, "(");
            boolean collation = i > 0 && tokens.get(i - 1).isWord(sql, "COLLATE");
            boolean name = t.kind() == TokenKind.WORD || t.kind() == TokenKind.QUOTED_ID
                    || (strings && t.kind() == TokenKind.STRING);
            if (name && !function && !collation) {
                names.add(t.identifier(sql));
            }
        }
        return names;
    }

    private static String span(String sql, List<Token> tokens) {
        return sql.substring(tokens.get(0).start(), tokens.get(tokens.size() - 1).end());
    }
}
