package dev.dbsync.filter.internal;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Reads tokens lazily from SQL text with a small look-ahead, so a parser never holds the
 * token list of a huge clause in memory.
 */
final class TokenCursor {
    private final String sql;
    private final ArrayDeque<Token> ahead = new ArrayDeque<>();
    private int pos;

    TokenCursor(String sql) {
        this.sql = sql;
    }

    String sql() {
        return sql;
    }

    /** @return the token {@code k} places ahead (0 = next), or null past the end */
    Token peek(int k) {
        while (ahead.size() <= k) {
            int start = SqlLexer.skipWhitespace(sql, pos);
            if (start >= sql.length()) {
                return null;
            }
            Token t = SqlLexer.tokenAt(sql, start);
            pos = t.end();
            ahead.addLast(t);
        }
        Iterator<Token> it = ahead.iterator();
        Token t = it.next();
        for (int i = 0; i < k; i++) {
            t = it.next();
        }
        return t;
    }

    Token peek() {
        return peek(0);
    }

    /** @return the next token, or null at the end */
    Token next() {
        Token t = peek(0);
        if (t != null) {
            ahead.removeFirst();
        }
        return t;
    }

    boolean peekWord(int k, String word) {
        Token t = peek(k);
        return t != null && t.isWord(sql, word);
    }

    boolean peekOperator(int k, String op) {
        Token t = peek(k);
        return t != null && t.kind() == TokenKind.OPERATOR && sql.regionMatches(t.start(), op, 0, op.length())
                && t.end() - t.start() == op.length();
    }
}
