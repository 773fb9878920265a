package dev.dbsync.filter.internal;

import java.util.List;
import java.util.Optional;

/** Reads the {@code content=} option of a CREATE VIRTUAL TABLE … USING fts5(…) statement. */
final class Fts5Options {
    private Fts5Options() {
    }

    /**
     * @param sql a CREATE VIRTUAL TABLE statement
     * @return the content table's name ({@code ""} for a contentless table), or empty when the
     *     table stores its own content or is not FTS5
     */
    static Optional<String> externalContent(String sql) {
        List<Token> tokens = SqlLexer.tokenize(sql);
        boolean fts5 = tokens.stream().anyMatch(t -> t.isWord(sql, "fts5"));
        if (!fts5) {
            return Optional.empty();
        }
        for (int i = 0; i + 2 < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.isWord(sql, "content") && tokens.get(i + 1).kind() == TokenKind.OPERATOR
                    && tokens.get(i + 1).text(sql).equals("=")) {
                Token v = tokens.get(i + 2);
                return Optional.of(switch (v.kind()) {
                    case STRING, QUOTED_ID, WORD -> v.identifier(sql);
                    default -> v.text(sql);
                });
            }
        }
        return Optional.empty();
    }
}
