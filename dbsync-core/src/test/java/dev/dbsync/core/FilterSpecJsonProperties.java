package dev.dbsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.HeaderField;
import dev.dbsync.api.PartialTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The FilterSpec file never misbehaves: random JSON documents and random corruptions of a
 * valid one either parse into a complete spec (which then writes and reads back equal) or are
 * refused with a {@link FilterException} naming the file and the offending key (its JSON
 * path) or the JSON syntax position; never another exception, never a partial spec.
 */
class FilterSpecJsonProperties {
    private static final String SOURCE = "spec.json";
    private static final String[] KEYS = {"fullTables", "filteredTables", "partialTables", "views", "header",
        "user_version", "columns", "where",
        "posts", "users", "", "fulltables", "$", "a.b", "é", "\u0000", "[0]"};
    private static final String[] STRINGS = {"", " ", "posts", "users", "visibility = 'public'", "id", "\"", "\\",
        "\u0000", "😀", "\uD800", "a\nb", "x".repeat(100)};

    /** Random JSON (and near-JSON) documents, built from a seed. */
    @Provide
    Arbitrary<String> documents() {
        return Combinators.combine(Arbitraries.integers().between(0, 20), Arbitraries.longs())
                .as((depth, seed) -> new JsonWriter(new Random(seed)).value(depth));
    }

    @Property
    void randomDocumentsGiveASpecOrAFilterExceptionPointingAtTheFault(@ForAll("documents") String json) {
        check(json);
    }

    @Provide
    Arbitrary<String> corruptions() {
        FilterSpec valid = FilterSpec.builder().fullTables("badges", "categories")
                .filteredTable("posts", "visibility = 'public'")
                .partialTable("users", PartialTable.where("is_active = 1", "user_id", "username"))
                .partialTable("profiles", PartialTable.of("id"))
                .views("public_posts").headerFields(HeaderField.USER_VERSION).build();
        String text = FilterSpecJson.write(valid);
        return Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.longs())
                .as((edits, seed) -> corrupt(text, edits, new Random(seed)));
    }

    @Property
    void corruptedDocumentsGiveASpecOrAFilterExceptionPointingAtTheFault(@ForAll("corruptions") String json) {
        check(json);
    }

    /** Wrong-typed values at every key are refused naming that key's JSON path. */
    @Property
    void wrongTypedValueIsRefusedNamingItsPath(@ForAll("wrongTyped") String[] docAndPath) {
        Throwable t = catchThrowable(() -> FilterSpecJson.parse(docAndPath[0], SOURCE));
        assertThat(t).as(docAndPath[0]).isInstanceOf(FilterException.class);
        assertThat(t.getMessage()).startsWith(SOURCE + ": " + docAndPath[1] + ": ");
    }

    @Provide
    Arbitrary<String[]> wrongTyped() {
        String[][] slots = {
            {"{\"fullTables\": %s}", "$.fullTables", "list"},
            {"{\"fullTables\": [\"a\", %s]}", "$.fullTables[1]", "string"},
            {"{\"views\": %s}", "$.views", "list"},
            {"{\"views\": [%s]}", "$.views[0]", "string"},
            {"{\"header\": %s}", "$.header", "list"},
            {"{\"filteredTables\": %s}", "$.filteredTables", "object"},
            {"{\"filteredTables\": {\"posts\": %s}}", "$.filteredTables.posts", "string"},
            {"{\"partialTables\": %s}", "$.partialTables", "object"},
            {"{\"partialTables\": {\"users\": %s}}", "$.partialTables.users", "object"},
            {"{\"partialTables\": {\"users\": {\"columns\": %s}}}", "$.partialTables.users.columns", "list"},
            {"{\"partialTables\": {\"users\": {\"columns\": [\"id\", %s]}}}", "$.partialTables.users.columns[1]",
                "string"},
            {"{\"partialTables\": {\"users\": {\"columns\": [\"id\"], \"where\": %s}}}", "$.partialTables.users.where",
                "string"}};
        String[] values = {"1", "-2.5e3", "true", "false", "null", "\"s\"", "[]", "[1]", "{}", "{\"a\": 1}"};
        return Combinators.combine(Arbitraries.of(slots), Arbitraries.of(values))
                .filter((slot, v) -> !kindOf(v).equals(slot[2]))
                .as((slot, v) -> new String[] {slot[0].formatted(v), slot[1]});
    }

    /** Regression: was "a partial table's column name is blank: []", naming neither file nor key. */
    @Example
    void blankColumnIsRefusedNamingFileAndKey() {
        assertThat(catchThrowable(() -> FilterSpecJson.parse(
                "{\"partialTables\": {\"users\": {\"columns\": [\"id\", \" \"]}}}", SOURCE)))
                .isInstanceOf(FilterException.class)
                .hasMessage(SOURCE + ": $.partialTables.users.columns[1]: a column name must not be blank");
    }

    private static String kindOf(String value) {
        return switch (value.charAt(0)) {
            case '"' -> "string";
            case '[' -> "list";
            case '{' -> "object";
            default -> "scalar";
        };
    }

    /**
     * Regression: a string over the 4 MiB limit made Jackson throw a StreamConstraintsException
     * without location, and the parser a NullPointerException reading it.
     */
    @Example
    void refusesDocumentsBeyondTheReaderLimits() {
        check("[".repeat(10_000));
        check("{\"views\": " + "[".repeat(100) + "]".repeat(100) + "}");
        check("{\"views\": [\"" + "x".repeat(5 << 20) + "\"]}");
        check("{\"views\": [" + "1".repeat(100_000) + "]}");
        check("{\"views\": [\"a\"]" + " ".repeat(17 << 20) + "}");
        assertThat(catchThrowable(() -> FilterSpecJson.parse("{\"views\": [\"" + "x".repeat(5 << 20) + "\"]}", SOURCE)))
                .isInstanceOf(FilterException.class).hasMessageStartingWith(SOURCE + ": not valid JSON: ")
                .hasMessageContaining("String value length");
    }

    private static void check(String json) {
        Throwable t = catchThrowable(() -> FilterSpecJson.parse(json, SOURCE));
        if (t == null) {
            Statistics.label("outcome").collect("spec");
            FilterSpec spec = FilterSpecJson.parse(json, SOURCE);
            assertThat(FilterSpecJson.parse(FilterSpecJson.write(spec), SOURCE)).isEqualTo(spec);
            return;
        }
        assertThat(t).as("%s", json.length() > 200 ? json.substring(0, 200) + "..." : json)
                .isInstanceOf(FilterException.class);
        String message = t.getMessage();
        Statistics.label("outcome").collect(message.contains("not valid JSON") ? "syntax" : "refused");
        assertThat(message).as("names the file").startsWith(SOURCE + ": ");
        assertThat(message.contains(": $") || message.contains("not valid JSON") || message.contains("table '")
                || message.contains("partial table") || message.contains("blank")).as(message).isTrue();
    }

    private static String corrupt(String text, int edits, Random rnd) {
        StringBuilder sb = new StringBuilder(text);
        for (int i = 0; i < edits && sb.length() > 0; i++) {
            int at = rnd.nextInt(sb.length());
            String alphabet = "{}[]:,\"\\ 0tfn\u0000é";
            String junk = String.valueOf(alphabet.charAt(rnd.nextInt(alphabet.length())));
            switch (rnd.nextInt(6)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, junk);
                case 2 -> sb.setCharAt(at, junk.charAt(0));
                case 3 -> sb.setLength(at);
                case 4 -> {
                    int end = Math.min(sb.length(), at + 1 + rnd.nextInt(20));
                    sb.insert(rnd.nextInt(sb.length()), sb.substring(at, end));
                }
                default -> sb.insert(at, "\"" + KEYS[rnd.nextInt(KEYS.length)] + "\": [],");
            }
        }
        return sb.toString();
    }

    /** Writes random JSON values, mostly well-formed, with the spec's keys among random ones. */
    private static final class JsonWriter {
        private final Random rnd;

        JsonWriter(Random rnd) {
            this.rnd = rnd;
        }

        String value(int depth) {
            int k = rnd.nextInt(depth <= 0 ? 5 : 9);
            return switch (k) {
                case 0 -> string(STRINGS[rnd.nextInt(STRINGS.length)]);
                case 1 -> List.of("0", "-1", "1.5e308", "1e999", "-0", "123456789012345678901234567890")
                        .get(rnd.nextInt(6));
                case 2 -> List.of("true", "false", "null").get(rnd.nextInt(3));
                case 3 -> rnd.nextInt(20) == 0 ? List.of("tru", "\"open", "01", "{", "]", "NaN", "'x'").get(rnd.nextInt(7))
                        : string(STRINGS[rnd.nextInt(STRINGS.length)]);
                case 4 -> "[]";
                case 5, 6 -> array(depth - 1);
                default -> object(depth - 1);
            };
        }

        private String array(int depth) {
            List<String> items = new ArrayList<>();
            int n = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                items.add(rnd.nextBoolean() ? string(STRINGS[rnd.nextInt(STRINGS.length)]) : value(depth));
            }
            return "[" + String.join(", ", items) + "]";
        }

        private String object(int depth) {
            List<String> fields = new ArrayList<>();
            int n = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                fields.add(string(KEYS[rnd.nextInt(KEYS.length)]) + ": " + value(depth));
            }
            return "{" + String.join(", ", fields) + "}";
        }

        private static String string(String s) {
            return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
        }
    }
}
