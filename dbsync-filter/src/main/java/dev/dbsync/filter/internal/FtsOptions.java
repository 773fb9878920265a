package dev.dbsync.filter.internal;

import dev.dbsync.api.SqlName;
import dev.dbsync.filter.internal.VirtualTableModule.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where an FTS table keeps its content, read from its module arguments exactly as the module
 * reads them: FTS3 knows no options ({@code content=x} declares a column named
 * {@code content}); FTS4 ({@code fts3.c}, {@code fts3IsSpecialColumn}) takes any argument with
 * a {@code =} as an option whose key, before the first {@code =}, must equal an option name
 * ignoring ASCII case and whose value is the rest, dequoted; FTS5 ({@code fts5_config.c})
 * takes a bare word, spaces, {@code =}, spaces and a bare or quoted word, and accepts any
 * prefix of an option name as that option ({@code c=t} is {@code content=t}), the first
 * match in its own order winning.
 *
 * @param storage where the rows live
 * @param contentTable the external content table, when {@link Storage#EXTERNAL}
 * @param contentRowid FTS5's {@code content_rowid} column, if given
 * @param languageId FTS4's {@code languageid} column, if given
 * @param functions FTS4's {@code compress}/{@code uncompress} functions, if given
 * @param error why SQLite could not have created the table, if our reading says so
 */
public record FtsOptions(Storage storage, Optional<String> contentTable, Optional<String> contentRowid,
        Optional<String> languageId, List<String> functions, Optional<String> error) {
    /** Where an FTS table's rows live. */
    public enum Storage {
        /** In the table's own shadow table {@code <name>_content}. */
        OWN,
        /** In another table, {@code content=table}; the FTS table holds only the index. */
        EXTERNAL,
        /** Nowhere, {@code content=''}: only the index. */
        CONTENTLESS
    }

    /** FTS5's options in the order fts5ConfigParseSpecial tries them. */
    private static final List<String> FTS5_OPTIONS = List.of("prefix", "tokenize", "content", "contentless_delete",
            "contentless_unindexed", "content_rowid", "columnsize", "locale", "detail", "tokendata");

    /** FTS4's options, matched whole. */
    private static final List<String> FTS4_OPTIONS = List.of("matchinfo", "prefix", "compress", "uncompress", "order",
            "content", "languageid", "notindexed");

    /** Copies the function list. */
    public FtsOptions {
        functions = List.copyOf(functions);
    }

    /**
     * @param module an FTS3, FTS4 or FTS5 module with its arguments
     * @return where its content lives
     * @throws IllegalArgumentException if the module is not FTS
     */
    public static FtsOptions of(VirtualTableModule module) {
        return switch (module.kind()) {
            case FTS3 -> own(Optional.empty(), List.of(), Optional.empty());
            case FTS4 -> fts4(module.arguments());
            case FTS5 -> fts5(module.arguments());
            default -> throw new IllegalArgumentException("not an FTS module: " + module.name());
        };
    }

    private static FtsOptions own(Optional<String> languageId, List<String> functions, Optional<String> error) {
        return new FtsOptions(Storage.OWN, Optional.empty(), Optional.empty(), languageId, functions, error);
    }

    private static FtsOptions fts4(List<String> arguments) {
        String content = null;
        String languageId = null;
        List<String> functions = new ArrayList<>();
        boolean tokenizer = false;
        for (String z : arguments) {
            if (!tokenizer && z.length() > 8 && SqlName.same(z.substring(0, 8), "tokenize")
                    && !isFts3IdChar(z.charAt(8))) {
                tokenizer = true;
                continue;
            }
            int eq = z.indexOf('=');
            if (eq < 0) {
                continue; // a column
            }
            String key = z.substring(0, eq);
            String value = fts3Dequote(z.substring(eq + 1));
            String option = FTS4_OPTIONS.stream().filter(o -> SqlName.same(o, key)).findFirst()
                    .orElse(null);
            if (option == null) {
                return own(Optional.empty(), List.of(), Optional.of("unrecognized parameter: " + z));
            }
            switch (option) {
                case "content" -> content = value;
                case "languageid" -> languageId = value;
                case "compress", "uncompress" -> functions.add(value);
                default -> {
                }
            }
        }
        Optional<String> lid = Optional.ofNullable(languageId).filter(s -> !s.isEmpty());
        if (content == null) {
            return own(lid, functions, Optional.empty());
        }
        // with content=, FTS4 ignores compress= and uncompress=
        return content.isEmpty()
                ? new FtsOptions(Storage.CONTENTLESS, Optional.empty(), Optional.empty(), lid, List.of(), Optional.empty())
                : new FtsOptions(Storage.EXTERNAL, Optional.of(content), Optional.empty(), lid, List.of(),
                        Optional.empty());
    }

    private static FtsOptions fts5(List<String> arguments) {
        String content = null;
        String contentRowid = null;
        for (String z : arguments) {
            int[] end = new int[1];
            boolean[] quoted = new boolean[1];
            String one = gobbleWord(z, 0, end, quoted);
            int p = one == null ? -1 : skipSpaces(z, end[0]);
            boolean option = false;
            if (p >= 0 && p < z.length() && z.charAt(p) == '=') {
                option = true;
                p = quoted[0] ? -1 : skipSpaces(z, p + 1);
            }
            String two = "";
            if (p >= 0 && p < z.length()) {
                two = gobbleWord(z, p, end, quoted);
                p = two == null || end[0] < z.length() ? -1 : end[0];
            }
            if (p < 0) {
                return own(Optional.empty(), List.of(), Optional.of("parse error in \"" + z + "\""));
            }
            if (!option) {
                continue; // a column
            }
            String key = one;
            String name = FTS5_OPTIONS.stream().filter(o -> isPrefixIgnoringAsciiCase(key, o)).findFirst().orElse(null);
            if ("content".equals(name)) {
                if (content != null) {
                    return own(Optional.empty(), List.of(), Optional.of("multiple content=... directives"));
                }
                content = two;
            } else if ("content_rowid".equals(name)) {
                contentRowid = two;
            } else if (name == null) {
                return own(Optional.empty(), List.of(), Optional.of("unrecognized option: \"" + key + "\""));
            }
        }
        Optional<String> rowid = Optional.ofNullable(contentRowid);
        if (content == null) {
            return new FtsOptions(Storage.OWN, Optional.empty(), rowid, Optional.empty(), List.of(), Optional.empty());
        }
        return content.isEmpty()
                ? new FtsOptions(Storage.CONTENTLESS, Optional.empty(), rowid, Optional.empty(), List.of(),
                        Optional.empty())
                : new FtsOptions(Storage.EXTERNAL, Optional.of(content), rowid, Optional.empty(), List.of(),
                        Optional.empty());
    }

    /** fts5ConfigGobbleWord: a quoted word (dequoted) or a bare word; null when there is none. */
    private static String gobbleWord(String z, int from, int[] end, boolean[] quoted) {
        quoted[0] = false;
        if (from >= z.length()) {
            return null;
        }
        char q = z.charAt(from);
        if (q == '"' || q == '\'' || q == '[' || q == '`') {
            quoted[0] = true;
            char close = q == '[' ? ']' : q;
            StringBuilder out = new StringBuilder();
            int i = from + 1;
            while (i < z.length()) {
                char c = z.charAt(i);
                if (c == close) {
                    if (i + 1 < z.length() && z.charAt(i + 1) == close) {
                        out.append(close);
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                out.append(c);
                i++;
            }
            end[0] = i;
            return out.toString();
        }
        int i = from;
        while (i < z.length() && isFts5Bareword(z.charAt(i))) {
            i++;
        }
        end[0] = i;
        return i == from ? null : z.substring(from, i);
    }

    private static int skipSpaces(String z, int from) {
        int i = from;
        while (i < z.length() && z.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private static boolean isFts5Bareword(char c) {
        return c >= 0x80 || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isFts3IdChar(char c) {
        return isFts5Bareword(c);
    }

    /** sqlite3_strnicmp(option, key, strlen(key)) == 0: {@code key} starts {@code option}, ASCII case aside. */
    private static boolean isPrefixIgnoringAsciiCase(String key, String option) {
        return key.length() <= option.length() && SqlName.same(option.substring(0, key.length()), key);
    }

    /** sqlite3Fts3Dequote: a leading quote is undone up to its closing quote; anything after is dropped. */
    private static String fts3Dequote(String z) {
        if (z.isEmpty()) {
            return z;
        }
        char q = z.charAt(0);
        if (q != '[' && q != '\'' && q != '"' && q != '`') {
            return z;
        }
        char close = q == '[' ? ']' : q;
        StringBuilder out = new StringBuilder();
        int i = 1;
        while (i < z.length()) {
            char c = z.charAt(i);
            if (c == close) {
                if (i + 1 >= z.length() || z.charAt(i + 1) != close) {
                    break;
                }
                out.append(close);
                i += 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** @return true for the modules this class reads */
    static boolean isFts(Kind kind) {
        return kind == Kind.FTS3 || kind == Kind.FTS4 || kind == Kind.FTS5;
    }
}
