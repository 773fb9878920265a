package dev.dbsync.filter.internal;

import dev.dbsync.api.FilterException;

/**
 * Checks that a WHERE clause is nothing but a SQLite expression built from an allowlist:
 * column references, literals, operators, {@code IS [NOT] NULL}, {@code [NOT] IN} over a
 * literal list, {@code [NOT] BETWEEN}, {@code LIKE}/{@code GLOB}/{@code MATCH} (with
 * {@code ESCAPE}), {@code CASE}, {@code CAST}, {@code COLLATE}, parentheses and the calls of
 * {@link SqlVocabulary#FUNCTIONS deterministic scalar functions}.
 *
 * <p>Operator chains are parsed in loops (precedence climbing), so a million-term
 * {@code AND} chain costs no stack; nesting (parentheses, calls, {@code CASE}, {@code CAST})
 * is capped at {@value #MAX_DEPTH} levels and the clause's length at {@value #MAX_LENGTH}
 * characters. Tokens are read lazily: memory stays constant whatever the clause's length. Every rejection is a {@link FilterException} naming the
 * table, the token and its position.
 */
public final class WhereClauseParser {
    /** Deepest nesting of sub-expressions accepted. */
    public static final int MAX_DEPTH = 200;
    /** Longest clause accepted, in characters (1 MiB): filters are short, hostile input is not. */
    public static final int MAX_LENGTH = 1 << 20;

    private static final int PREC_OR = 1;
    private static final int PREC_AND = 2;
    private static final int PREC_EQUALITY = 4;
    private static final int PREC_RELATIONAL = 5;
    private static final int PREC_BITS = 6;
    private static final int PREC_ADD = 7;
    private static final int PREC_MUL = 8;
    private static final int PREC_CONCAT = 9;

    private final String table;
    private final TokenCursor in;
    private final String sql;
    private final ClauseRejection errors;
    private int depth;

    private WhereClauseParser(String table, String where) {
        this.table = table;
        this.sql = where;
        this.in = new TokenCursor(where);
        this.errors = new ClauseRejection(table, where);
    }

    /**
     * Checks one clause.
     *
     * @param table the table the clause filters, for messages
     * @param where the clause
     * @throws FilterException if the clause is empty or is not an allowed expression
     */
    public static void check(String table, String where) {
        if (where.length() > MAX_LENGTH) {
            throw new FilterException(table, "", MAX_LENGTH, "table '" + table + "': the WHERE clause is "
                    + where.length() + " characters long; at most " + MAX_LENGTH + " are accepted (position "
                    + MAX_LENGTH + ")");
        }
        WhereClauseParser p = new WhereClauseParser(table, where);
        if (p.peek() == null) {
            throw new FilterException(table, "", 0, "table '" + table + "': the WHERE clause is empty");
        }
        p.expression(PREC_OR);
        Token extra = p.peek();
        if (extra != null) {
            if (extra.kind() == TokenKind.OPERATOR && extra.text(where).equals(")")) {
                throw p.errors.reject(extra, "unbalanced parenthesis: ')' closes nothing");
            }
            throw p.errors.reject(extra, "unexpected token after the end of the expression");
        }
    }

    private void expression(int minPrec) {
        if (++depth > MAX_DEPTH) {
            throw errors.reject(peek(), "expression nested deeper than " + MAX_DEPTH + " levels");
        }
        unary();
        while (true) {
            Token t = peek();
            if (t == null) {
                break;
            }
            int prec = binaryPrecedence();
            if (prec < minPrec) {
                break;
            }
            operatorAndRightSide(prec);
        }
        depth--;
    }

    /** @return the precedence of the binary or postfix operator starting at the next token, or 0 */
    private int binaryPrecedence() {
        Token t = peek();
        if (t.kind() == TokenKind.OPERATOR) {
            return operatorPrecedence(t);
        }
        if (t.kind() != TokenKind.WORD) {
            return 0;
        }
        if (t.isWord(sql, "OR")) {
            return PREC_OR;
        }
        if (t.isWord(sql, "AND")) {
            return PREC_AND;
        }
        if (t.isWord(sql, "COLLATE")) {
            return PREC_CONCAT + 1;
        }
        for (String w : new String[] {"IS", "IN", "LIKE", "GLOB", "MATCH", "BETWEEN", "ISNULL", "NOTNULL"}) {
            if (t.isWord(sql, w)) {
                return PREC_EQUALITY;
            }
        }
        if (t.isWord(sql, "NOT")) {
            Token n = in.peek(1);
            if (n != null) {
                // look-ahead tokens are screened too, so "a NOT ?" names the '?', not the NOT
                errors.screen(n);
            }
            if (n != null && (n.isWord(sql, "IN") || n.isWord(sql, "LIKE") || n.isWord(sql, "GLOB")
                    || n.isWord(sql, "MATCH") || n.isWord(sql, "BETWEEN") || n.isWord(sql, "NULL"))) {
                return PREC_EQUALITY;
            }
        }
        return 0;
    }

    private int operatorPrecedence(Token t) {
        char c = sql.charAt(t.start());
        char d = t.end() - t.start() > 1 ? sql.charAt(t.start() + 1) : 0;
        switch (c) {
            case '=':
                return PREC_EQUALITY;
            case '!':
                return PREC_EQUALITY;
            case '<':
                return d == '>' ? PREC_EQUALITY : d == '<' ? PREC_BITS : PREC_RELATIONAL;
            case '>':
                return d == '>' ? PREC_BITS : PREC_RELATIONAL;
            case '&':
                return PREC_BITS;
            case '|':
                return d == '|' ? PREC_CONCAT : PREC_BITS;
            case '+':
                return PREC_ADD;
            case '-':
                return d == '>' ? PREC_CONCAT : PREC_ADD;
            case '*', '/', '%':
                return PREC_MUL;
            default:
                return 0;
        }
    }

    private void operatorAndRightSide(int prec) {
        Token op = next();
        if (op.kind() == TokenKind.OPERATOR || op.isWord(sql, "OR") || op.isWord(sql, "AND")) {
            expression(prec + 1);
            return;
        }
        if (op.isWord(sql, "COLLATE")) {
            Token name = next();
            if (name == null || !(name.kind() == TokenKind.WORD && !isKeyword(name) || name.kind() == TokenKind.QUOTED_ID
                    || name.kind() == TokenKind.STRING)) {
                throw errors.reject(name == null ? op : name, "COLLATE needs a collation name");
            }
            return;
        }
        if (op.isWord(sql, "ISNULL") || op.isWord(sql, "NOTNULL")) {
            return;
        }
        if (op.isWord(sql, "IS")) {
            if (peekWord("NOT")) {
                next();
            }
            if (peekWord("DISTINCT")) {
                next();
                expectWord("FROM");
            }
            expression(prec + 1);
            return;
        }
        Token kind = op;
        if (op.isWord(sql, "NOT")) {
            kind = next();
            if (kind.isWord(sql, "NULL")) {
                return;
            }
        }
        if (kind.isWord(sql, "IN")) {
            literalList(kind);
        } else if (kind.isWord(sql, "BETWEEN")) {
            expression(prec + 1);
            expectWord("AND");
            expression(prec + 1);
        } else {
            // LIKE, GLOB, MATCH
            expression(prec + 1);
            if (!kind.isWord(sql, "MATCH") && peekWord("ESCAPE")) {
                next();
                expression(prec + 1);
            }
        }
    }

    private void unary() {
        while (true) {
            Token t = peek();
            if (t == null) {
                throw errors.endOfInput("an operand");
            }
            if (t.isWord(sql, "NOT")) {
                next();
                continue;
            }
            if (t.isOperator(sql, "-") || t.isOperator(sql, "+") || t.isOperator(sql, "~")) {
                next();
                continue;
            }
            break;
        }
        primary();
    }

    private void primary() {
        Token t = next();
        switch (t.kind()) {
            case NUMBER, STRING, BLOB -> {
                return;
            }
            case QUOTED_ID -> {
                qualifiedName(t);
                return;
            }
            case OPERATOR -> {
                if (t.text(sql).equals("(")) {
                    nested(() -> expression(PREC_OR));
                    expectClose(t);
                    return;
                }
                throw errors.reject(t, t.text(sql).equals(")") ? "unbalanced parenthesis: ')' where an operand is expected"
                        : "operator '" + t.text(sql) + "' where an operand is expected");
            }
            case WORD -> {
                word(t);
                return;
            }
            default -> throw errors.reject(t, errors.describe(t));
        }
    }

    private void word(Token t) {
        String w = t.text(sql);
        if (t.isWord(sql, "NULL") || t.isWord(sql, "TRUE") || t.isWord(sql, "FALSE")
                || t.isWord(sql, "CURRENT_DATE") || t.isWord(sql, "CURRENT_TIME")
                || t.isWord(sql, "CURRENT_TIMESTAMP")) {
            return;
        }
        if (t.isWord(sql, "CASE")) {
            nested(this::caseBody);
            return;
        }
        if (t.isWord(sql, "CAST")) {
            Token open = expectOperator("(");
            nested(() -> {
                expression(PREC_OR);
                expectWord("AS");
                typeName();
            });
            expectClose(open);
            return;
        }
        if (peekOperator("(")) {
            if (!SqlVocabulary.isFunction(w)) {
                throw errors.reject(t, "function '" + w + "' is not on the allowlist of deterministic scalar functions");
            }
            Token open = next();
            nested(() -> arguments(open));
            return;
        }
        if (w.length() > SqlVocabulary.LONGEST_KEYWORD) {
            qualifiedName(t);
            return;
        }
        if (SqlVocabulary.isForbidden(w)) {
            throw errors.reject(t, "keyword '" + w + "' is not allowed in a filter (only expressions are; quote a column"
                    + " with this name as \"" + w + "\")");
        }
        if (SqlVocabulary.isExpressionKeyword(w)) {
            throw errors.reject(t, "keyword '" + w + "' where an operand is expected");
        }
        qualifiedName(t);
    }

    private void qualifiedName(Token first) {
        Token last = first;
        if (peekOperator(".")) {
            Token dot = next();
            Token column = next();
            if (column == null || !(column.kind() == TokenKind.QUOTED_ID
                    || column.kind() == TokenKind.WORD && !isKeyword(column))) {
                throw errors.reject(column == null ? dot : column, "a column name must follow '.'");
            }
            if (peekOperator(".")) {
                throw errors.reject(peek(), "schema-qualified names are not allowed; name a column or table.column");
            }
            last = column;
        }
        if (peekOperator("(")) {
            // "t.f(" and "\"f\"(" are calls too: report the name called, not the table before it
            throw errors.reject(last, "'" + last.text(sql) + "' is called like a function; only allowlisted functions"
                    + " may be called, by their bare name");
        }
    }

    private void arguments(Token open) {
        if (peekOperator(")")) {
            next();
            return;
        }
        if (peekWord("DISTINCT") || peekOperator("*")) {
            throw errors.reject(peek(), "aggregate arguments are not allowed");
        }
        expression(PREC_OR);
        while (peekOperator(",")) {
            next();
            expression(PREC_OR);
        }
        expectClose(open);
    }

    private void caseBody() {
        if (!peekWord("WHEN")) {
            expression(PREC_OR);
        }
        if (!peekWord("WHEN")) {
            throw peek() == null ? errors.endOfInput("WHEN") : errors.reject(peek(), "CASE needs WHEN");
        }
        while (peekWord("WHEN")) {
            next();
            expression(PREC_OR);
            expectWord("THEN");
            expression(PREC_OR);
        }
        if (peekWord("ELSE")) {
            next();
            expression(PREC_OR);
        }
        expectWord("END");
    }

    private void typeName() {
        Token t = next();
        if (t == null || t.kind() != TokenKind.WORD || isKeyword(t)) {
            throw t == null ? errors.endOfInput("a type name") : errors.reject(t, "CAST needs a type name");
        }
        while (peek() != null && peek().kind() == TokenKind.WORD && !isKeyword(peek())) {
            next();
        }
        if (peekOperator("(")) {
            Token open = next();
            signedNumber();
            if (peekOperator(",")) {
                next();
                signedNumber();
            }
            expectClose(open);
        }
    }

    private void signedNumber() {
        if (peekOperator("+") || peekOperator("-")) {
            next();
        }
        Token n = next();
        if (n == null || n.kind() != TokenKind.NUMBER) {
            throw n == null ? errors.endOfInput("a number") : errors.reject(n, "a number is expected here");
        }
    }

    private void literalList(Token inWord) {
        Token open = next();
        if (open == null || !(open.kind() == TokenKind.OPERATOR && open.text(sql).equals("("))) {
            throw open == null ? errors.endOfInput("'(' after IN")
                    : errors.reject(open, "IN must be followed by a parenthesised list of literals");
        }
        if (peekOperator(")")) {
            next();
            return;
        }
        while (true) {
            if (peekOperator("+") || peekOperator("-")) {
                next();
            }
            Token v = next();
            if (v == null) {
                throw errors.endOfInput("a literal");
            }
            boolean literal = v.kind() == TokenKind.NUMBER || v.kind() == TokenKind.STRING
                    || v.kind() == TokenKind.BLOB || v.isWord(sql, "NULL") || v.isWord(sql, "TRUE")
                    || v.isWord(sql, "FALSE");
            if (!literal) {
                String why = v.kind() == TokenKind.WORD && SqlVocabulary.isForbidden(v.text(sql))
                        ? "keyword '" + v.text(sql) + "' is not allowed in a filter (no subqueries)"
                        : "IN lists may hold only literals";
                throw errors.reject(v, why);
            }
            Token sep = next();
            if (sep == null) {
                throw errors.endOfInput("')' closing the IN list opened at " + open.start());
            }
            if (sep.kind() == TokenKind.OPERATOR && sep.text(sql).equals(")")) {
                return;
            }
            if (!(sep.kind() == TokenKind.OPERATOR && sep.text(sql).equals(","))) {
                throw errors.reject(sep, "',' or ')' expected in the IN list");
            }
        }
    }

    private void nested(Runnable body) {
        if (++depth > MAX_DEPTH) {
            throw errors.reject(peek(), "expression nested deeper than " + MAX_DEPTH + " levels");
        }
        body.run();
        depth--;
    }

    private void expectClose(Token open) {
        Token t = next();
        if (t == null) {
            throw new FilterException(table, "(", open.start(), "table '" + table
                    + "': unbalanced parenthesis: '(' at position " + open.start() + " is never closed");
        }
        if (!(t.kind() == TokenKind.OPERATOR && t.text(sql).equals(")"))) {
            throw errors.reject(t, "')' expected to close '(' at position " + open.start());
        }
    }

    private Token expectOperator(String op) {
        Token t = next();
        if (t == null) {
            throw errors.endOfInput("'" + op + "'");
        }
        if (!(t.kind() == TokenKind.OPERATOR && t.text(sql).equals(op))) {
            throw errors.reject(t, "'" + op + "' expected");
        }
        return t;
    }

    private void expectWord(String word) {
        Token t = next();
        if (t == null) {
            throw errors.endOfInput(word);
        }
        if (!t.isWord(sql, word)) {
            throw errors.reject(t, word + " expected");
        }
    }

    private boolean peekWord(String word) {
        return in.peekWord(0, word);
    }

    private boolean peekOperator(String op) {
        return in.peekOperator(0, op);
    }

    private Token next() {
        peek();
        return in.next();
    }

    /** Looks at the next token, rejecting at once what may never appear in a filter. */
    private Token peek() {
        Token t = in.peek();
        if (t != null) {
            errors.screen(t);
        }
        return t;
    }

    private boolean isKeyword(Token t) {
        String w = t.text(sql);
        return SqlVocabulary.isExpressionKeyword(w) || SqlVocabulary.isForbidden(w);
    }
}
