package dev.dbsync.filter.internal;

import dev.dbsync.api.SqlName;

/**
 * One token of SQLite SQL text: its kind and where it lies in the text. The text itself is
 * not copied, so a 2 MB string literal costs nothing more than its offsets.
 *
 * @param kind what the token is
 * @param start index of its first character in the source text
 * @param end index just past its last character
 */
public record Token(TokenKind kind, int start, int end) {

    /**
     * @param sql the text the token was read from
     * @return the token exactly as written
     */
    public String text(String sql) {
        return sql.substring(start, end);
    }

    /**
     * @param sql the text the token was read from
     * @return the token as written, shortened to at most 40 characters for messages
     */
    public String shortText(String sql) {
        if (end - start <= 40) {
            return text(sql);
        }
        return sql.substring(start, start + 37) + "...";
    }

    /**
     * @param sql the text the token was read from
     * @param word a keyword in upper case
     * @return true when this is a bare word equal to {@code word}, ignoring the case of ASCII
     *     letters only, as SQLite recognises keywords ({@link SqlName})
     */
    public boolean isWord(String sql, String word) {
        return kind == TokenKind.WORD && end - start == word.length() && SqlName.same(text(sql), word);
    }

    /**
     * @param sql the text the token was read from
     * @param op an operator
     * @return true when this is exactly the operator {@code op}
     */
    public boolean isOperator(String sql, String op) {
        return kind == TokenKind.OPERATOR && end - start == op.length() && sql.startsWith(op, start);
    }

    /**
     * @param sql the text the token was read from
     * @return the name an identifier token denotes: bare words as written, quoted ones
     *     unquoted with doubled quotes undone
     */
    public String identifier(String sql) {
        return switch (kind) {
            case WORD -> text(sql);
            case QUOTED_ID -> {
                char q = sql.charAt(start);
                String inner = sql.substring(start + 1, end - 1);
                yield q == '[' ? inner : inner.replace(String.valueOf(q) + q, String.valueOf(q));
            }
            case STRING -> sql.substring(start + 1, end - 1).replace("''", "'");
            default -> throw new IllegalStateException("not an identifier: " + kind);
        };
    }
}
