package dev.dbsync.filter.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQLite SQL text into tokens the way SQLite's tokenizer does ({@code tokenize.c}):
 * string literals with {@code ''} escapes, {@code "}/{@code `}/{@code []} quoted identifiers,
 * blob literals, numbers (with {@code _} digit separators, exponents and hexadecimal),
 * parameters, comments and operators. Whitespace is dropped; comments and illegal input are
 * returned as tokens so that callers decide what to do with them. Runs in linear time with
 * no recursion.
 */
public final class SqlLexer {
    private SqlLexer() {
    }

    /**
     * @param sql the text to split
     * @return every token, in order, whitespace excluded
     */
    public static List<Token> tokenize(String sql) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            if (isSpace(sql.charAt(i))) {
                i++;
                continue;
            }
            Token t = tokenAt(sql, i);
            tokens.add(t);
            i = t.end();
        }
        return tokens;
    }

    /**
     * Removes every comment from SQL text, as SQLite's own parser ignores them: each
     * {@code --} or {@code /* *}{@code /} comment (an unterminated one runs to the end, as in
     * SQLite) becomes one space, so the tokens around it stay apart. Everything else,
     * including comment-like text inside literals and quoted names, is kept as written.
     *
     * @param sql a statement
     * @return the statement without comments
     */
    public static String withoutComments(String sql) {
        StringBuilder out = null;
        int copied = 0;
        for (Token t : tokenize(sql)) {
            boolean comment = t.kind() == TokenKind.COMMENT
                    || (t.kind() == TokenKind.ILLEGAL && sql.startsWith("/*", t.start()));
            if (comment) {
                if (out == null) {
                    out = new StringBuilder(sql.length());
                }
                out.append(sql, copied, t.start()).append(' ');
                copied = t.end();
            }
        }
        if (out == null) {
            return sql;
        }
        return out.append(sql, copied, sql.length()).toString();
    }

    /**
     * Reads the token starting exactly at {@code start}, which must not be whitespace.
     *
     * @param sql the text
     * @param start where the token starts
     * @return the token
     */
    public static Token tokenAt(String sql, int start) {
        int end = scan(sql, start);
        return new Token(kindAt(sql, start, end), start, end);
    }

    /**
     * @param sql the text
     * @param from where to start looking
     * @return the index of the first non-whitespace character at or after {@code from}
     */
    public static int skipWhitespace(String sql, int from) {
        int i = from;
        int n = sql.length();
        while (i < n) {
            if (!isSpace(sql.charAt(i))) {
                break;
            }
            i++;
        }
        return i;
    }

    /**
     * @return true for what SQLite skips between tokens: space, tab, newline, form feed,
     *     carriage return, and a byte-order mark U+FEFF where a token would start (inside a
     *     name SQLite reads it as a name character, as {@link #isIdPart} does)
     */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == '\uFEFF';
    }

    private static TokenKind kindAt(String sql, int start, int end) {
        char c = sql.charAt(start);
        switch (c) {
            case '\'':
                return terminated(sql, start, end, '\'') ? TokenKind.STRING : TokenKind.ILLEGAL;
            case '"':
            case '`':
                return terminated(sql, start, end, c) ? TokenKind.QUOTED_ID : TokenKind.ILLEGAL;
            case '[':
                return end - start >= 2 && sql.charAt(end - 1) == ']' ? TokenKind.QUOTED_ID : TokenKind.ILLEGAL;
            case '?':
            case ':':
            case '@':
            case '$':
                return end - start > 1 || c == '?' ? TokenKind.PARAMETER : TokenKind.ILLEGAL;
            default:
                break;
        }
        if (c == '-' && end - start >= 2 && sql.charAt(start + 1) == '-') {
            return TokenKind.COMMENT;
        }
        if (c == '/' && end - start >= 2 && sql.charAt(start + 1) == '*') {
            return end - start >= 4 && sql.startsWith("*/", end - 2) ? TokenKind.COMMENT : TokenKind.ILLEGAL;
        }
        if ((c == 'x' || c == 'X') && end - start >= 2 && sql.charAt(start + 1) == '\'') {
            return isBlob(sql, start, end) ? TokenKind.BLOB : TokenKind.ILLEGAL;
        }
        if (isDigit(c) || (c == '.' && end - start > 1)) {
            return isNumber(sql, start, end) ? TokenKind.NUMBER : TokenKind.ILLEGAL;
        }
        if (isIdStart(c)) {
            return TokenKind.WORD;
        }
        if (end - start == 1) {
            return "(),.;=<>&|+-*/%~".indexOf(c) >= 0 ? TokenKind.OPERATOR : TokenKind.ILLEGAL;
        }
        // scan() makes multi-character tokens of these only: == != <> <= << >= >> || -> ->>
        return "=!<>|-".indexOf(c) >= 0 ? TokenKind.OPERATOR : TokenKind.ILLEGAL;
    }

    /** @return the end of the token starting at {@code i} */
    private static int scan(String sql, int i) {
        int n = sql.length();
        char c = sql.charAt(i);
        switch (c) {
            case '-':
                if (i + 1 < n && sql.charAt(i + 1) == '-') {
                    int e = sql.indexOf('\n', i);
                    return e < 0 ? n : e;
                }
                if (i + 1 < n && sql.charAt(i + 1) == '>') {
                    return i + 2 < n && sql.charAt(i + 2) == '>' ? i + 3 : i + 2;
                }
                return i + 1;
            case '/':
                if (i + 1 < n && sql.charAt(i + 1) == '*') {
                    int e = sql.indexOf("*/", i + 2);
                    return e < 0 ? n : e + 2;
                }
                return i + 1;
            case '\'':
            case '"':
            case '`':
                return scanQuoted(sql, i, c);
            case '[': {
                for (int e = i + 1; e < n; e++) {
                    char d = sql.charAt(e);
                    if (d == 0) {
                        return e;
                    }
                    if (d == ']') {
                        return e + 1;
                    }
                }
                return n;
            }
            case '=':
            case '!':
                return i + 1 < n && sql.charAt(i + 1) == '=' ? i + 2 : i + 1;
            case '<': {
                char d = i + 1 < n ? sql.charAt(i + 1) : 0;
                return d == '=' || d == '>' || d == '<' ? i + 2 : i + 1;
            }
            case '>': {
                char d = i + 1 < n ? sql.charAt(i + 1) : 0;
                return d == '=' || d == '>' ? i + 2 : i + 1;
            }
            case '|':
                return i + 1 < n && sql.charAt(i + 1) == '|' ? i + 2 : i + 1;
            case '?': {
                int e = i + 1;
                while (e < n && isDigit(sql.charAt(e))) {
                    e++;
                }
                return e;
            }
            case ':':
            case '@':
            case '$': {
                int e = i + 1;
                while (e < n && isIdPart(sql.charAt(e))) {
                    e++;
                }
                return e;
            }
            default:
                break;
        }
        if ((c == 'x' || c == 'X') && i + 1 < n && sql.charAt(i + 1) == '\'') {
            int e = sql.indexOf('\'', i + 2);
            return e < 0 ? n : e + 1;
        }
        if (isDigit(c) || (c == '.' && i + 1 < n && isDigit(sql.charAt(i + 1)))) {
            return scanNumber(sql, i);
        }
        if (isIdStart(c)) {
            int e = i + 1;
            while (e < n && isIdPart(sql.charAt(e))) {
                e++;
            }
            return e;
        }
        if (Character.isHighSurrogate(c) && i + 1 < n) {
            return i + 2;
        }
        return i + 1;
    }

    /**
     * @return the end of a quoted literal or name; like SQLite, which stops reading SQL text at
     *     a NUL character, a NUL ends it unterminated (the token stops before the NUL)
     */
    private static int scanQuoted(String sql, int i, char q) {
        int n = sql.length();
        for (int e = i + 1; e < n; e++) {
            char c = sql.charAt(e);
            if (c == 0) {
                return e;
            }
            if (c == q) {
                if (e + 1 < n && sql.charAt(e + 1) == q) {
                    e++;
                    continue;
                }
                return e + 1;
            }
        }
        return n;
    }

    private static boolean terminated(String sql, int start, int end, char q) {
        if (end - start < 2 || sql.charAt(end - 1) != q) {
            return false;
        }
        // an odd run of closing quotes ends the token; scanQuoted stops only there
        int run = 0;
        for (int k = end - 1; k > start && sql.charAt(k) == q; k--) {
            run++;
        }
        return run % 2 == 1;
    }

    private static int scanNumber(String sql, int i) {
        int n = sql.length();
        int e = i;
        if (sql.charAt(e) == '0' && e + 1 < n && (sql.charAt(e + 1) == 'x' || sql.charAt(e + 1) == 'X')) {
            e += 2;
            while (e < n && (isHex(sql.charAt(e)) || sql.charAt(e) == '_')) {
                e++;
            }
        } else {
            while (e < n && (isDigit(sql.charAt(e)) || sql.charAt(e) == '_')) {
                e++;
            }
            if (e < n && sql.charAt(e) == '.') {
                e++;
                while (e < n && (isDigit(sql.charAt(e)) || sql.charAt(e) == '_')) {
                    e++;
                }
            }
            if (e < n && (sql.charAt(e) == 'e' || sql.charAt(e) == 'E')) {
                int f = e + 1;
                if (f < n && (sql.charAt(f) == '+' || sql.charAt(f) == '-')) {
                    f++;
                }
                if (f < n && isDigit(sql.charAt(f))) {
                    e = f;
                    while (e < n && isDigit(sql.charAt(e))) {
                        e++;
                    }
                }
            }
        }
        // like SQLite, a number running straight into a word is one illegal token
        while (e < n && isIdPart(sql.charAt(e))) {
            e++;
        }
        return e;
    }

    /** Checks a scanned number without regular expressions (which recurse on long input). */
    private static boolean isNumber(String sql, int start, int end) {
        int e = start;
        if (end - start > 2 && sql.charAt(e) == '0' && (sql.charAt(e + 1) == 'x' || sql.charAt(e + 1) == 'X')) {
            e = digits(sql, e + 2, end, true);
            return e == end && e > start + 2;
        }
        int intEnd = digits(sql, e, end, false);
        boolean any = intEnd > e;
        e = intEnd;
        if (e < end && sql.charAt(e) == '.') {
            int fracEnd = digits(sql, e + 1, end, false);
            any |= fracEnd > e + 1;
            e = fracEnd;
        }
        if (!any) {
            return false;
        }
        if (e < end && (sql.charAt(e) == 'e' || sql.charAt(e) == 'E')) {
            e++;
            if (e < end && (sql.charAt(e) == '+' || sql.charAt(e) == '-')) {
                e++;
            }
            int expEnd = digits(sql, e, end, false);
            if (expEnd == e || sql.indexOf('_', e) >= 0 && sql.indexOf('_', e) < expEnd) {
                return false;
            }
            e = expEnd;
        }
        return e == end;
    }

    /** @return the end of a run of digits where single {@code _} may separate two digits */
    private static int digits(String sql, int from, int end, boolean hex) {
        int e = from;
        while (e < end) {
            char c = sql.charAt(e);
            if (hex ? isHex(c) : isDigit(c)) {
                e++;
            } else if (c == '_' && e > from && e + 1 < end
                    && (hex ? isHex(sql.charAt(e + 1)) : isDigit(sql.charAt(e + 1)))) {
                e++;
            } else {
                break;
            }
        }
        return e;
    }

    private static boolean isBlob(String sql, int start, int end) {
        if (end - start < 3 || sql.charAt(end - 1) != '\'') {
            return false;
        }
        int digits = end - start - 3;
        if (digits % 2 != 0) {
            return false;
        }
        for (int k = start + 2; k < end - 1; k++) {
            if (!isHex(sql.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isIdStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean isIdPart(char c) {
        return isIdStart(c) || isDigit(c) || c == '$';
    }
}
