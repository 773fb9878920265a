package dev.dbsync.filter.internal;

/** Kinds of token the {@link SqlLexer} produces, following SQLite's own tokenizer. */
public enum TokenKind {
    /** A bare word: a keyword or an unquoted identifier. */
    WORD,
    /** An identifier quoted with {@code "}, {@code `} or {@code []}. */
    QUOTED_ID,
    /** A string literal in single quotes ({@code ''} escapes a quote). */
    STRING,
    /** A blob literal, {@code X'0A1B'}. */
    BLOB,
    /** A numeric literal: integer, decimal, exponent or hexadecimal. */
    NUMBER,
    /** A bound parameter: {@code ?}, {@code ?1}, {@code :name}, {@code @name}, {@code $name}. */
    PARAMETER,
    /** A {@code --} or {@code /* *}{@code /} comment. */
    COMMENT,
    /** An operator or punctuation: {@code ( ) , . ; = == != <> < <= > >= << >> & | || + - * / % ~ -> ->>}. */
    OPERATOR,
    /** A character SQLite does not accept, or an unterminated literal or comment. */
    ILLEGAL
}
