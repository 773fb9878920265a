package dev.dbsync.core;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.HeaderField;
import dev.dbsync.api.PartialTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterSpecJsonTest {
    static final String FULL = """
            {
              "fullTables": ["badges", "categories"],
              "filteredTables": {"posts": "visibility = 'public'"},
              "partialTables": {"users": {"columns": ["user_id", "username"], "where": "is_active = 1"},
                                "profiles": {"columns": ["id"]}},
              "views": ["public_posts"],
              "header": ["user_version"]
            }
            """;

    @Test
    void readsEveryKeyWithTheJavaSemantics() {
        FilterSpec spec = FilterSpecJson.parse(FULL, "f.json");
        assertThat(spec).isEqualTo(FilterSpec.builder().fullTables("badges", "categories")
                .filteredTable("posts", "visibility = 'public'")
                .partialTable("users", PartialTable.where("is_active = 1", "user_id", "username"))
                .partialTable("profiles", PartialTable.of("id"))
                .views("public_posts").headerFields(HeaderField.USER_VERSION).build());
        assertThat(FilterSpecJson.parse("{}", "empty.json")).isEqualTo(FilterSpec.builder().build());
    }

    @Test
    void writesWhatItReads() {
        FilterSpec spec = FilterSpecJson.parse(FULL, "f.json");
        assertThat(FilterSpecJson.parse(FilterSpecJson.write(spec), "again")).isEqualTo(spec);
    }

    @Test
    void readsAFileAndNamesItInErrors(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("filter.json"), FULL);
        assertThat(FilterSpecJson.read(f).fullTables()).containsExactly("badges", "categories");
        assertThatThrownBy(() -> FilterSpecJson.read(dir.resolve("missing.json")))
                .isInstanceOf(FilterException.class).hasMessageContaining("missing.json");
    }

    private static void assertRejected(String json, String... parts) {
        assertThatThrownBy(() -> FilterSpecJson.parse(json, "f.json"))
                .isInstanceOf(FilterException.class)
                .hasMessageStartingWith("f.json: ")
                .satisfies(e -> {
                    for (String part : parts) {
                        assertThat(e.getMessage()).contains(part);
                    }
                });
    }

    @Test
    void pointsAtTheOffendingKey() {
        assertRejected("{\"fullTable\": []}", "$.fullTable", "unknown key 'fullTable'");
        assertRejected("{\"fullTables\": \"posts\"}", "$.fullTables", "expected a list of strings, got a string");
        assertRejected("{\"fullTables\": [\"a\", 3]}", "$.fullTables[1]", "expected a string, got a number");
        assertRejected("{\"filteredTables\": {\"posts\": true}}", "$.filteredTables.posts", "got a boolean");
        assertRejected("{\"partialTables\": {\"users\": {\"columns\": [\"id\"], \"wher\": \"x\"}}}",
                "$.partialTables.users.wher", "unknown key 'wher'");
        assertRejected("{\"partialTables\": {\"users\": {\"where\": \"x = 1\"}}}", "$.partialTables.users.columns");
        assertRejected("{\"partialTables\": {\"users\": [\"id\"]}}", "$.partialTables.users", "got a list");
        assertRejected("{\"views\": null}", "$.views", "got null");
        assertRejected("[]", "$", "must be a JSON object");
        assertRejected("{\"fullTables\": [\"a\"]} {}", "unexpected content");
        assertRejected("{\"header\": [\"user_version\", \"schema_version\"]}", "$.header[1]",
                "unknown header field 'schema_version'");
        assertRejected("{\"header\": [\"user_version\", \"user_version\"]}", "$.header[1]", "listed twice");
        assertRejected("{\"header\": \"user_version\"}", "$.header", "expected a list of strings");
    }

    @Test
    void reportsMalformedJsonWithItsPosition() {
        assertRejected("{\"fullTables\": [\"a\",]}", "not valid JSON at line 1");
        assertRejected("{\"fullTables\": [\"a\"], \"fullTables\": []}", "Duplicate field 'fullTables'");
        assertRejected("{", "not valid JSON");
    }

    @Test
    void structuralErrorsOfTheSpecNameTheFile() {
        assertRejected("{\"fullTables\": [\"users\"], \"partialTables\": {\"Users\": {\"columns\": [\"id\"]}}}",
                "listed twice");
    }
}
