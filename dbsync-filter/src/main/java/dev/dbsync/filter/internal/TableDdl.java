package dev.dbsync.filter.internal;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.SqlName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Rewrites the CREATE TABLE statement of a published table so that its schema text carries no
 * private data and its blanked columns cannot make production fail:
 * <ul>
 *   <li>a foreign key (column {@code REFERENCES} or table {@code FOREIGN KEY}) whose target is
 *       not a published table is dropped, so no unpublished table's name is kept;</li>
 *   <li>a blanked column keeps only its name (quoted), the name of its type's affinity
 *       ({@link #affinity}: a declared type is free text), a bare
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
     * A constraint the rewrite dropped.
     *
     * @param constraint its text as written in the source, e.g. {@code CHECK (length(email) > 3)}
     * @param column the column it is a constraint of, or empty for a table constraint
     * @param reason why, e.g. {@code mentions blanked column email} or
     *     {@code references table secrets, which is not published}
     */
    public record DroppedConstraint(String constraint, Optional<String> column, String reason) {
    }

    /**
     * The CREATE TABLE statement of a published table as the snapshot holds it, and what was
     * dropped from it.
     *
     * @param sql the statement to create the table in the snapshot
     * @param dropped the constraints dropped, in order
     */
    public record SnapshotDdl(String sql, List<DroppedConstraint> dropped) {
    }

    /**
     * @param table the table's name, for messages
     * @param sql its CREATE TABLE statement
     * @param blanked whether a column (by name, compared as SQLite compares names) is blanked
     * @param rowidAlias the INTEGER PRIMARY KEY column aliasing the rowid, or null
     * @param published whether a table (by name, compared as SQLite compares names) is
     *     published, for foreign-key targets
     * @return the statement to create the table in the snapshot: {@code sql} itself when
     *     nothing is blanked and no foreign key is dropped
     * @throws FilterException if the statement cannot be read, or a published generated
     *     column reads a blanked column
     */
    public static String forSnapshot(String table, String sql, Predicate<String> blanked, String rowidAlias,
            Predicate<String> published) {
        return rewrite(table, sql, blanked, rowidAlias, published).sql();
    }

    /**
     * Rewrites a published table's CREATE TABLE statement as {@link #forSnapshot} does, saying
     * which constraints were dropped and why.
     *
     * @param table the table's name, for messages
     * @param sql its CREATE TABLE statement
     * @param blanked whether a column (by name, compared as SQLite compares names) is blanked
     * @param rowidAlias the INTEGER PRIMARY KEY column aliasing the rowid, or null
     * @param published whether a table (by name, compared as SQLite compares names) is
     *     published, for foreign-key targets
     * @return the statement ({@code sql} itself when nothing changed) and the dropped constraints
     * @throws FilterException as {@link #forSnapshot} does
     */
    public static SnapshotDdl rewrite(String table, String sql, Predicate<String> blanked, String rowidAlias,
            Predicate<String> published) {
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
        boolean strict = tokens.subList(close, tokens.size()).stream().anyMatch(t -> t.isWord(sql, "STRICT"));
        List<String> kept = new ArrayList<>();
        List<DroppedConstraint> dropped = new ArrayList<>();
        boolean changed = false;
        for (List<Token> item : items) {
            if (item.isEmpty()) {
                continue;
            }
            Token first = item.get(0);
            boolean tableConstraint = first.kind() == TokenKind.WORD
                    && TABLE_CONSTRAINT_STARTS.contains(SqlName.fold(first.text(sql)));
            String written;
            if (!tableConstraint) {
                written = column(table, sql, item, blanked, rowidAlias, published, strict, dropped);
            } else {
                Optional<String> reason = dropTableConstraint(sql, item, blanked, rowidAlias, published);
                reason.ifPresent(r -> dropped.add(new DroppedConstraint(span(sql, item), Optional.empty(), r)));
                written = reason.isPresent() ? null : span(sql, item);
            }
            changed |= written == null || !written.equals(span(sql, item));
            if (written != null) {
                kept.add(written);
            }
        }
        if (!changed) {
            return new SnapshotDdl(sql, List.of());
        }
        return new SnapshotDdl(sql.substring(0, tokens.get(open).end()) + String.join(", ", kept)
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

    /**
     * The name of a declared type's affinity, by SQLite's rules (section 3.1 of "Datatypes In
     * SQLite"): {@code INTEGER}, {@code TEXT}, {@code BLOB} (also for no type), {@code REAL} or
     * {@code NUMERIC}. Type names fold ASCII letters only, as identifiers do.
     *
     * @param declaredType the declared type as written, or null or empty for none
     * @return the affinity's name
     */
    public static String affinity(String declaredType) {
        String type = declaredType == null ? "" : SqlName.fold(declaredType);
        if (type.contains("int")) {
            return "INTEGER";
        }
        if (type.contains("char") || type.contains("clob") || type.contains("text")) {
            return "TEXT";
        }
        if (type.contains("blob") || type.isBlank()) {
            return "BLOB";
        }
        if (type.contains("real") || type.contains("floa") || type.contains("doub")) {
            return "REAL";
        }
        return "NUMERIC";
    }

    private static String unpublishedTarget(String target) {
        return target == null ? "names no table it references" : "references table " + target
                + ", which is not published";
    }

    /** @return the target table of a foreign key's REFERENCES clause among these tokens, or null */
    private static String referencedTable(String sql, List<Token> tokens) {
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).isWord(sql, "REFERENCES")) {
                return tokens.get(i + 1).identifier(sql);
            }
        }
        return null;
    }

    /** @return why the table constraint is dropped, if it is */
    private static Optional<String> dropTableConstraint(String sql, List<Token> item, Predicate<String> blanked,
            String rowidAlias, Predicate<String> published) {
        String kind = constraintKind(sql, item);
        if (kind.equals("foreign")) {
            String target = referencedTable(sql, item);
            if (target == null || !published.test(target)) {
                return Optional.of(unpublishedTarget(target));
            }
        }
        // a FOREIGN KEY's own columns are its first parenthesized list; REFERENCES names another table's
        List<String> mentioned = mentions(sql, item, kind.equals("foreign"), true, false);
        List<String> blankedMentions = mentioned.stream().filter(blanked).toList();
        if (blankedMentions.isEmpty()) {
            return Optional.empty();
        }
        boolean aliasOnly = rowidAlias != null && blankedMentions.stream().allMatch(n -> SqlName.same(n, rowidAlias));
        return kind.equals("primary") && aliasOnly ? Optional.empty()
                : Optional.of("mentions blanked column " + blankedMentions.get(0));
    }

    /** @return the folded keyword a constraint starts with, after its optional CONSTRAINT name */
    private static String constraintKind(String sql, List<Token> item) {
        int i = item.get(0).isWord(sql, "CONSTRAINT") ? 2 : 0;
        return i < item.size() ? SqlName.fold(item.get(i).text(sql)) : "";
    }

    private static String column(String table, String sql, List<Token> item, Predicate<String> blanked,
            String rowidAlias, Predicate<String> published, boolean strict, List<DroppedConstraint> droppedConstraints) {
        Token nameToken = item.get(0);
        boolean named = nameToken.kind() == TokenKind.WORD || nameToken.kind() == TokenKind.QUOTED_ID
                || nameToken.kind() == TokenKind.STRING;
        if (!named) {
            return span(sql, item);
        }
        String name = nameToken.identifier(sql);
        List<List<Token>> segments = segments(sql, item);
        if (blanked.test(name)) {
            return blankedColumn(sql, name, segments, rowidAlias != null && SqlName.same(rowidAlias, name), strict);
        }
        StringBuilder out = new StringBuilder(span(sql, segments.get(0)));
        boolean dropped = false;
        for (List<Token> g : segments.subList(1, segments.size())) {
            String kind = constraintKind(sql, g);
            if (kind.equals("references")) {
                String target = referencedTable(sql, g);
                if (target == null || !published.test(target)) {
                    dropped = true;
                    droppedConstraints.add(new DroppedConstraint(span(sql, g), Optional.of(name),
                            unpublishedTarget(target)));
                    continue;
                }
            }
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
                droppedConstraints.add(new DroppedConstraint(span(sql, g), Optional.of(name),
                        "mentions blanked column " + read.get(0)));
            }
        }
        return dropped ? out.toString() : span(sql, item);
    }

    private static String blankedColumn(String sql, String name, List<List<Token>> segments, boolean alias,
            boolean strict) {
        List<Token> head = segments.get(0);
        StringBuilder out = new StringBuilder(SqlNames.quote(name));
        String type = head.size() > 1 ? span(sql, head.subList(1, head.size())) : "";
        if (alias) {
            out.append(" INTEGER");
        } else if (strict && !type.isEmpty()) {
            out.append(' ').append(type); // one of INT, INTEGER, REAL, TEXT, BLOB, ANY: SQLite allows no other
        } else {
            out.append(' ').append(affinity(type));
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
                    // ON DELETE SET NULL / SET DEFAULT and NOT DEFERRABLE belong to the REFERENCES clause before them
                    && !item.get(i - 1).isWord(sql, "SET")
                    && !(t.isWord(sql, "NOT") && i + 1 < item.size() && item.get(i + 1).isWord(sql, "DEFERRABLE"))
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
