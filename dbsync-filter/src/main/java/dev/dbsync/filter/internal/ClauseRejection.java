package dev.dbsync.filter.internal;

import dev.dbsync.api.FilterException;

/**
 * Builds the {@link FilterException}s of one WHERE clause: each names the table, the
 * offending token (shortened for messages) and its character position.
 */
final class ClauseRejection {
    private final String table;
    private final String sql;

    ClauseRejection(String table, String sql) {
        this.table = table;
        this.sql = sql;
    }

    /** Rejects at once the tokens that may never appear in a filter, wherever they are. */
    void screen(Token t) {
        switch (t.kind()) {
            case COMMENT, PARAMETER, ILLEGAL -> throw reject(t, describe(t));
            case OPERATOR -> {
                if (t.isOperator(sql, ";")) {
                    throw reject(t, describe(t));
                }
            }
            default -> {
            }
        }
    }

    String describe(Token t) {
        return switch (t.kind()) {
            case COMMENT -> "comments are not allowed";
            case PARAMETER -> "parameters are not allowed";
            case ILLEGAL -> "illegal character or unterminated literal";
            case OPERATOR -> t.text(sql).equals(";") ? "';' is not allowed (one expression, no statements)"
                    : "unexpected operator";
            default -> "unexpected token";
        };
    }

    FilterException endOfInput(String expected) {
        return new FilterException(table, "", sql.length(), "table '" + table + "': the WHERE clause ends where "
                + expected + " is expected (position " + sql.length() + ")");
    }

    FilterException reject(Token t, String why) {
        if (t == null) {
            return endOfInput("more input");
        }
        if (t.kind() == TokenKind.COMMENT || t.kind() == TokenKind.PARAMETER || t.kind() == TokenKind.ILLEGAL
                || (t.kind() == TokenKind.OPERATOR && t.text(sql).equals(";"))) {
            why = describe(t);
        }
        String token = t.shortText(sql);
        return new FilterException(table, token, t.start(), "table '" + table + "': " + why + ": '" + token
                + "' at position " + t.start());
    }
}
