package dev.dbsync.filter;

import java.util.List;
import java.util.Random;

/**
 * A WHERE clause rendered from generated tokens, with where each token starts and how deep
 * in parentheses each token boundary lies, so that mutations can be inserted between tokens
 * (never inside a literal) at a chosen nesting level.
 *
 * @param text the clause
 * @param boundaries character positions between tokens: 0, the start of every later token,
 *     and the end
 * @param depths the parenthesis depth at each boundary (0 = top level)
 */
record Clause(String text, int[] boundaries, int[] depths) {

    /** A token of the grammar, and whether its letter case may be changed freely. */
    record Tok(String text, boolean caseFree) {
        static Tok word(String text) {
            return new Tok(text, true);
        }

        static Tok exact(String text) {
            return new Tok(text, false);
        }
    }

    private static final String[] SPACES = {" ", " ", " ", "  ", "\t", "\n", "\r\n", "\f", " \t "};

    /**
     * Joins tokens with random whitespace: at least one whitespace character unless one side
     * is {@code (}, {@code )} or {@code ,}, where SQLite needs none. Words, keywords and
     * function names get a random letter case (ASCII letters only, as SQLite folds them).
     */
    static Clause render(List<Tok> tokens, long seed) {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder();
        int[] boundaries = new int[tokens.size() + 1];
        int[] depths = new int[tokens.size() + 1];
        int depth = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Tok t = tokens.get(i);
            if (i > 0) {
                boolean tight = isPunct(tokens.get(i - 1).text()) || isPunct(t.text());
                if (!tight || rnd.nextInt(3) > 0) {
                    sb.append(SPACES[rnd.nextInt(SPACES.length)]);
                }
            } else if (rnd.nextInt(8) == 0) {
                sb.append(SPACES[rnd.nextInt(SPACES.length)]);
            }
            boundaries[i] = i == 0 ? 0 : sb.length();
            depths[i] = depth;
            sb.append(t.caseFree() ? randomCase(t.text(), rnd) : t.text());
            if (t.text().equals("(")) {
                depth++;
            } else if (t.text().equals(")")) {
                depth--;
            }
        }
        if (rnd.nextInt(8) == 0) {
            sb.append(SPACES[rnd.nextInt(SPACES.length)]);
        }
        boundaries[tokens.size()] = sb.length();
        depths[tokens.size()] = depth;
        return new Clause(sb.toString(), boundaries, depths);
    }

    private static boolean isPunct(String s) {
        return s.equals("(") || s.equals(")") || s.equals(",");
    }

    private static String randomCase(String s, Random rnd) {
        int mode = rnd.nextInt(4);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80 && Character.isLetter(c)) {
                boolean upper = switch (mode) {
                    case 0 -> false;
                    case 1 -> true;
                    case 2 -> Character.isUpperCase(c);
                    default -> rnd.nextBoolean();
                };
                c = upper ? Character.toUpperCase(c) : Character.toLowerCase(c);
            }
            sb.append(c);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
