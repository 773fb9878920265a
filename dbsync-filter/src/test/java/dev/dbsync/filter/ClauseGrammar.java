package dev.dbsync.filter;

import dev.dbsync.filter.Clause.Tok;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * A grammar of legitimate WHERE clauses over the {@link FuzzTable} columns: random expression
 * trees made of everything the validator allows, rendered with random whitespace and letter
 * case. Sub-expressions used as operands are parenthesised, so every clause is also a valid
 * SQLite expression; the arguments that SQLite checks at run time (JSON text and paths,
 * {@code ESCAPE} characters, {@code likelihood}'s probability) are drawn from valid values.
 *
 * <p>A clause is built from a shape jqwik generates and shrinks: a nesting depth, a width (the
 * most operands of a chain, arguments of a call, items of a list) and a seed driving the
 * choices. Building recursively from a seed is linear in the clause's size, where composing
 * jqwik arbitraries four levels deep cost tens of milliseconds per clause.
 *
 * <p>With {@code deterministic} set, nothing depending on the clock is generated
 * ({@code CURRENT_*}, {@code 'now'}, date functions without arguments), so a clause selects
 * the same rows whenever it runs.
 */
final class ClauseGrammar {
    /** A generated sub-expression; compound ones are parenthesised when used as an operand. */
    record Frag(List<Tok> toks, boolean compound) {
        static Frag atom(Tok... toks) {
            return new Frag(List.of(toks), false);
        }

        Frag asOperand() {
            if (!compound) {
                return this;
            }
            List<Tok> out = new ArrayList<>(toks.size() + 2);
            out.add(Tok.exact("("));
            out.addAll(toks);
            out.add(Tok.exact(")"));
            return new Frag(out, false);
        }
    }

    private static final String[] BINARY = {"=", "==", "!=", "<>", "<", "<=", ">", ">=", "<<", ">>", "&", "|",
        "||", "+", "-", "*", "/", "%", "AND", "OR", "IS", "IS NOT", "IS DISTINCT FROM", "IS NOT DISTINCT FROM"};
    private static final String[] STRINGS = {"''", "'public'", "'Public'", "'private'", "'it''s'", "''''",
        "'a;b'", "'; DROP TABLE items; --'", "'-- not a comment'", "'/* nor this */'", "'SELECT * FROM t'",
        "'UNION ALL SELECT'", "'Ünïcödé'", "'日本語'", "'😀'", "'%a%'", "'_'", "'a%b'", "'2024-01-31'",
        "'12:30:00'", "'42'", "'1e3'", "'  padded  '", "'x''y''z'", "'ab\ncd'", "'?1 :x @x $x'", "'\"q\"'",
        "'[b]'", "'`c`'", "')'", "'('", "'1=1) OR (1=1'"};
    private static final String[] NUMBERS = {"0", "1", "2", "7", "42", "100", "255", "9223372036854775807",
        "99999999999999999999", "0x1F", "0XfF", "0x7FFFFFFFFFFFFFFF", "1.5", "0.25", ".5", "5.", "1e3", "1E-3",
        "2.5e+2", "1_000", "3.141_592", "0.0", "1e308"};
    private static final String[] BLOBS = {"X''", "x'00'", "X'414243'", "x'0aFF'", "X'7B7D'"};
    private static final String[] SINGLE_CHARS = {"'\\'", "'!'", "'#'", "'x'", "'é'"};
    private static final String[] JSON_TEXTS = {"'{\"a\":1,\"b\":[1,2,3]}'", "'[1,\"x\",null]'", "'{\"a\":\"public\"}'",
        "'null'", "'42'", "'\"s\"'"};
    private static final String[] JSON_PATHS = {"'$'", "'$.a'", "'$.b[1]'", "'$.c.d'", "'$[0]'", "'$.missing'"};
    private static final String[] ARROW_RIGHT = {"'$.a'", "'a'", "'b'", "0", "1", "'$.c.d'", "'$[0]'"};
    private static final String[] TIMES = {"'2024-01-31'", "'2024-02-29 12:30:00'", "'12:30'", "2460000.5",
        "1700000000", "'not a date'"};
    private static final String[] MODIFIERS = {"'+1 day'", "'-3 hours'", "'start of month'", "'weekday 0'",
        "'unixepoch'", "'+1.5 seconds'", "'start of year'"};
    private static final String[] FORMATS = {"'%Y-%m-%d'", "'%s'", "'%J'", "'%H:%M'", "'%w %j'"};
    private static final String[] TYPES = {"INTEGER", "INT", "REAL", "TEXT", "BLOB", "NUMERIC", "VARCHAR ( 10 )",
        "DECIMAL ( 10 , 2 )", "UNSIGNED BIG INT", "DOUBLE PRECISION", "NUMERIC ( + 5 , - 1 )"};
    private static final String[] UNARY = {"NOT", "-", "+", "~", "NOT NOT", "- ~", "NOT -"};
    private static final String[] POSTFIX_NULL = {"IS NULL", "IS NOT NULL", "ISNULL", "NOTNULL", "NOT NULL"};
    private static final String[] COLLATE_OPS = {"=", "<", ">=", "<>", "IS"};
    private static final String[] PROBABILITIES = {"0.0", "0.5", ".25", "0.9375", "1.0"};
    private static final String[] TIME_FUNCTIONS = {"date", "time", "datetime", "julianday", "unixepoch"};
    private static final String[] COLLATIONS = {"NOCASE", "BINARY", "RTRIM", "\"nocase\"", "'binary'"};
    /** Functions taking ordinary operands, by arity: {names, min args, max args}. */
    private static final Object[][] PLAIN_FUNCTIONS = {
        {new String[] {"abs", "ceil", "ceiling", "floor", "trunc", "sign", "hex", "length", "octet_length", "lower",
            "upper", "typeof", "unicode", "likely", "unlikely", "json_valid", "ltrim", "rtrim", "trim", "round"}, 1, 1},
        {new String[] {"ltrim", "rtrim", "trim", "round", "substr", "substring", "instr", "ifnull", "nullif", "glob",
            "like", "coalesce", "max", "min", "concat_ws"}, 2, 2},
        {new String[] {"substr", "substring", "replace", "iif"}, 3, 3},
        {new String[] {"coalesce", "max", "min", "concat_ws", "concat", "char"}, 3, 5},
        {new String[] {"concat", "char"}, 1, 2},
        {new String[] {"char"}, 0, 0}};

    private final boolean deterministic;
    private final Random rnd;
    private final int width;

    private ClauseGrammar(boolean deterministic, long seed, int width) {
        this.deterministic = deterministic;
        this.rnd = new Random(seed);
        this.width = width;
    }

    /**
     * @param maxDepth deepest nesting of generated sub-expressions
     * @param deterministic true to leave out everything depending on the clock
     * @return legitimate clauses
     */
    static Arbitrary<Clause> clauses(int maxDepth, boolean deterministic) {
        return Combinators.combine(Arbitraries.integers().between(0, maxDepth), Arbitraries.integers().between(2, 5),
                Arbitraries.longs()).as((depth, width, seed) -> build(depth, width, seed, deterministic));
    }

    /** Builds the clause of one shape; the same shape always gives the same clause. */
    static Clause build(int depth, int width, long seed, boolean deterministic) {
        ClauseGrammar g = new ClauseGrammar(deterministic, seed, width);
        return Clause.render(g.expr(depth).toks(), g.rnd.nextLong());
    }

    private <T> T pick(T[] values) {
        return values[rnd.nextInt(values.length)];
    }

    private Frag expr(int depth) {
        if (depth <= 0) {
            return atom();
        }
        int d = depth - 1;
        int k = rnd.nextInt(36);
        if (k < 3) {
            return atom();
        }
        if (k < 11) {
            return chain(d);
        }
        return switch (k) {
            case 11, 12 -> join(pick(UNARY), expr(d));
            case 13, 14 -> join(expr(d), pick(POSTFIX_NULL));
            case 15, 16 -> in(d);
            case 17, 18 -> join(expr(d), rnd.nextBoolean() ? "BETWEEN" : "NOT BETWEEN", expr(d), "AND", expr(d));
            case 19, 20 -> like(d);
            case 21 -> join(expr(d), rnd.nextBoolean() ? "MATCH" : "NOT MATCH", expr(d));
            case 22, 23 -> caseExpr(d);
            case 24, 25 -> call("CAST", List.of(join(expr(d), "AS", pick(TYPES))));
            case 26 -> join(expr(d), Tok.word("COLLATE"), Tok.exact(pick(COLLATIONS)), pick(COLLATE_OPS), expr(d));
            case 27, 28, 29, 30 -> function(d);
            case 31, 32 -> jsonExpr();
            case 33, 34 -> timeFunction(d);
            default -> paren(expr(d));
        };
    }

    private Frag atom() {
        int k = rnd.nextInt(deterministic ? 9 : 10);
        if (k < 5) {
            return reference(pick(FuzzTable.REFERENCES));
        }
        if (k < 8) {
            return literal();
        }
        if (k == 8) {
            return Frag.atom(Tok.exact(pick(FuzzTable.JSON_REFERENCES)));
        }
        return Frag.atom(Tok.word(pick(new String[] {"CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP"})));
    }

    private static Frag reference(String ref) {
        // a qualified reference is three tokens: items . n
        if (ref.startsWith("items.") || ref.startsWith("\"items\".")) {
            int dot = ref.indexOf('.');
            return Frag.atom(tokOf(ref.substring(0, dot)), Tok.exact("."), tokOf(ref.substring(dot + 1)));
        }
        return Frag.atom(tokOf(ref));
    }

    private static Tok tokOf(String name) {
        char c = name.charAt(0);
        return c == '"' || c == '[' || c == '`' ? Tok.exact(name) : Tok.word(name);
    }

    private Frag literal() {
        int k = rnd.nextInt(11);
        if (k < 4) {
            return Frag.atom(Tok.exact(pick(NUMBERS)));
        }
        if (k < 8) {
            return Frag.atom(Tok.exact(pick(STRINGS)));
        }
        if (k == 8) {
            return Frag.atom(Tok.exact(pick(BLOBS)));
        }
        return Frag.atom(Tok.word(pick(new String[] {"NULL", "TRUE", "FALSE"})));
    }

    private static Frag paren(Frag f) {
        List<Tok> out = new ArrayList<>();
        out.add(Tok.exact("("));
        out.addAll(f.toks());
        out.add(Tok.exact(")"));
        return new Frag(out, false);
    }

    private static List<Tok> words(String s) {
        List<Tok> out = new ArrayList<>();
        for (String w : s.split(" ")) {
            out.add(Character.isLetter(w.charAt(0)) ? Tok.word(w) : Tok.exact(w));
        }
        return out;
    }

    /** Joins parts: sub-expressions as operands (parenthesised when compound), tokens, and words. */
    private static Frag join(Object... parts) {
        List<Tok> out = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof Frag f) {
                out.addAll(f.asOperand().toks());
            } else if (p instanceof Tok t) {
                out.add(t);
            } else {
                out.addAll(words((String) p));
            }
        }
        return new Frag(out, true);
    }

    private Frag chain(int d) {
        int n = 2 + rnd.nextInt(width - 1);
        List<Object> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                parts.add(pick(BINARY));
            }
            parts.add(expr(d));
        }
        return join(parts.toArray());
    }

    private Frag in(int d) {
        List<Object> parts = new ArrayList<>(List.of(expr(d), rnd.nextBoolean() ? "IN" : "NOT IN", Tok.exact("(")));
        int n = rnd.nextInt(width + 1);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                parts.add(Tok.exact(","));
            }
            Frag lit = literal();
            String first = lit.toks().get(0).text();
            if (rnd.nextInt(3) == 0 && !Character.isLetter(first.charAt(0)) && first.charAt(0) != '\'') {
                parts.add(Tok.exact(rnd.nextBoolean() ? "-" : "+"));
            }
            parts.addAll(lit.toks());
        }
        parts.add(Tok.exact(")"));
        return join(parts.toArray());
    }

    private Frag like(int d) {
        if (rnd.nextBoolean()) {
            return join(expr(d), rnd.nextBoolean() ? "LIKE" : "NOT LIKE", expr(d), "ESCAPE",
                    Tok.exact(pick(SINGLE_CHARS)));
        }
        return join(expr(d), pick(new String[] {"LIKE", "NOT LIKE", "GLOB", "NOT GLOB"}), expr(d));
    }

    private Frag caseExpr(int d) {
        List<Object> parts = new ArrayList<>();
        parts.add("CASE");
        if (rnd.nextBoolean()) {
            parts.add(expr(d));
        }
        int whens = 1 + rnd.nextInt(width - 1);
        for (int i = 0; i < whens; i++) {
            parts.addAll(List.of("WHEN", expr(d), "THEN", expr(d)));
        }
        if (rnd.nextBoolean()) {
            parts.addAll(List.of("ELSE", expr(d)));
        }
        parts.add("END");
        return new Frag(join(parts.toArray()).toks(), false);
    }

    private Frag function(int d) {
        int k = rnd.nextInt(12);
        if (k == 10) {
            return call("like", List.of(expr(d), expr(d), Frag.atom(Tok.exact(pick(SINGLE_CHARS)))));
        }
        if (k == 11) {
            return call("likelihood", List.of(expr(d), Frag.atom(Tok.exact(pick(PROBABILITIES)))));
        }
        Object[] spec = PLAIN_FUNCTIONS[rnd.nextInt(PLAIN_FUNCTIONS.length)];
        int min = (Integer) spec[1];
        int max = Math.min((Integer) spec[2], Math.max(min, width));
        int n = min + rnd.nextInt(max - min + 1);
        List<Frag> args = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            args.add(expr(d));
        }
        return call(pick((String[]) spec[0]), args);
    }

    private Frag jsonFrag() {
        return Frag.atom(Tok.exact(rnd.nextBoolean() ? pick(FuzzTable.JSON_REFERENCES) : pick(JSON_TEXTS)));
    }

    private Frag jsonExpr() {
        switch (rnd.nextInt(4)) {
            case 0:
                return join(jsonFrag(), rnd.nextBoolean() ? "->" : "->>", Tok.exact(pick(ARROW_RIGHT)));
            case 1: {
                List<Frag> args = new ArrayList<>(List.of(jsonFrag()));
                int n = 1 + rnd.nextInt(width - 1);
                for (int i = 0; i < n; i++) {
                    args.add(Frag.atom(Tok.exact(pick(JSON_PATHS))));
                }
                return call("json_extract", args);
            }
            case 2: {
                List<Frag> args = new ArrayList<>(List.of(jsonFrag()));
                if (rnd.nextBoolean()) {
                    args.add(Frag.atom(Tok.exact(pick(JSON_PATHS))));
                }
                return call(rnd.nextBoolean() ? "json_type" : "json_array_length", args);
            }
            default:
                return call("json", List.of(jsonFrag()));
        }
    }

    private Frag timeFunction(int d) {
        int k = rnd.nextInt(deterministic ? 2 : 4);
        if (k == 2) {
            return call(pick(TIME_FUNCTIONS), List.of());
        }
        if (k == 3) {
            return call(rnd.nextBoolean() ? "date" : "datetime", List.of(Frag.atom(Tok.exact("'now'"))));
        }
        List<Frag> args = new ArrayList<>();
        if (k == 1) {
            args.add(Frag.atom(Tok.exact(pick(FORMATS))));
        }
        args.add(rnd.nextBoolean() ? expr(d) : Frag.atom(Tok.exact(pick(TIMES))));
        int mods = rnd.nextInt(3);
        for (int i = 0; i < mods; i++) {
            args.add(Frag.atom(Tok.exact(pick(MODIFIERS))));
        }
        return call(k == 1 ? "strftime" : pick(TIME_FUNCTIONS), args);
    }

    /** A call {@code name(arg, ...)}: arguments need no parentheses of their own. */
    private static Frag call(String name, List<Frag> args) {
        List<Tok> out = new ArrayList<>();
        out.add(Tok.word(name));
        out.add(Tok.exact("("));
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                out.add(Tok.exact(","));
            }
            out.addAll(args.get(i).toks());
        }
        out.add(Tok.exact(")"));
        return new Frag(out, false);
    }
}
