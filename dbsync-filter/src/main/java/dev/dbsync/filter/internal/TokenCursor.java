package dev.dbsync.filter.internal;

/**
 * Reads tokens lazily from SQL text with a small look-ahead (a ring of four), so a parser
 * never holds the token list of a huge clause in memory.
 */
final class TokenCursor {
    private static final int AHEAD = 4;

    private final String sql;
    private final Token[] ring = new Token[AHEAD];
    private int head;
    private int count;
    private int pos;

    TokenCursor(String sql) {
        this.sql = sql;
    }

    /** @return the token {@code k} places ahead (0 = next, at most 3), or null past the end */
    Token peek(int k) {
        while (count <= k) {
            int start = SqlLexer.skipWhitespace(sql, pos);
            if (start >= sql.length()) {
                return null;
            }
            Token t = SqlLexer.tokenAt(sql, start);
            pos = t.end();
            ring[(head + count) % AHEAD] = t;
            count++;
        }
        return ring[(head + k) % AHEAD];
    }

    Token peek() {
        return peek(0);
    }

    /** @return the next token, or null at the end */
    Token next() {
        Token t = peek(0);
        if (t != null) {
            ring[head] = null;
            head = (head + 1) % AHEAD;
            count--;
        }
        return t;
    }

    boolean peekWord(int k, String word) {
        Token t = peek(k);
        return t != null && t.isWord(sql, word);
    }

    boolean peekOperator(int k, String op) {
        Token t = peek(k);
        return t != null && t.isOperator(sql, op);
    }
}
