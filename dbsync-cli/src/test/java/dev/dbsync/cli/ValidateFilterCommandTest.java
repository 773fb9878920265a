package dev.dbsync.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateFilterCommandTest {
    static final String FORUM_SPEC = """
            {
              "partialTables": {"users": {"columns": ["id", "name", "created_at"]}},
              "filteredTables": {"posts": "visibility = 'public'"}
            }
            """;

    @TempDir
    Path dir;

    @Test
    void acceptsAValidSpecAndSaysWhatItHolds() throws Exception {
        Path spec = Files.writeString(dir.resolve("spec.json"), FORUM_SPEC);
        CliRun r = CliRun.of("validate-filter", spec.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("valid").contains("1 filtered").contains("1 partial");
    }

    @Test
    void checksNamesAgainstADatabase() throws Exception {
        Path db = dir.resolve("forum.db");
        ForumDatabase.create(db);
        Path good = Files.writeString(dir.resolve("good.json"), FORUM_SPEC);
        assertThat(CliRun.of("validate-filter", good.toString(), "--db", db.toString()).code()).isZero();

        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"fullTables\": [\"no_such_table\"]}");
        assertThat(CliRun.of("validate-filter", bad.toString()).code()).as("structure alone is fine").isZero();
        CliRun r = CliRun.of("validate-filter", bad.toString(), "--db", db.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no_such_table");
    }

    @Test
    void rejectsWrongTypesAndHostileWhereClauses() throws Exception {
        Path wrongType = Files.writeString(dir.resolve("t.json"), "{\"fullTables\": \"users\"}");
        CliRun r = CliRun.of("validate-filter", wrongType.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("fullTables");

        Path hostile = Files.writeString(dir.resolve("h.json"),
                "{\"filteredTables\": {\"posts\": \"1=1; DROP TABLE users\"}}");
        CliRun h = CliRun.of("validate-filter", hostile.toString());
        assertThat(h.code()).isEqualTo(2);
        assertThat(h.err().strip()).doesNotContain("\n").contains("posts");
    }

    private Path forum() throws Exception {
        Path db = dir.resolve("forum.db");
        ForumDatabase.create(db);
        return db;
    }

    @Test
    void printsThePlanAsAnAlignedTable() throws Exception {
        Path db = forum();
        Path spec = Files.writeString(dir.resolve("spec.json"), FORUM_SPEC);
        CliRun r = CliRun.of("validate-filter", spec.toString(), "--db", db.toString(), "--plan");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).contains("valid against");
        assertThat(lines.get(1)).startsWith("publication plan: ").contains("blanked").contains("absent");
        String header = lines.get(2);
        int object = header.indexOf("OBJECT");
        int disposition = header.indexOf("DISPOSITION");
        int why = header.indexOf("WHY");
        assertThat(header.strip()).startsWith("KIND");
        List<String> rows = lines.subList(3, lines.size());
        assertThat(rows).isNotEmpty().allSatisfy(line -> {
            assertThat(line.charAt(object - 1)).as(line).isEqualTo(' ');
            assertThat(line.substring(disposition).split(" ")[0]).as(line)
                    .isIn("published", "blanked", "rebuilt", "dropped", "absent");
            assertThat(line.charAt(why - 1)).as(line).isEqualTo(' ');
        });
        assertThat(rows).anySatisfy(line -> assertThat(line).contains("column").contains("users.email")
                .contains("blanked").contains("not listed in partial table users"));
        assertThat(rows).anySatisfy(line -> assertThat(line).contains("users.password_hash").contains("blanked"));
        assertThat(rows).anySatisfy(line -> assertThat(line).contains("audit_log").contains("absent")
                .contains("not in the spec"));
        assertThat(rows).anySatisfy(line -> assertThat(line).contains("posts").contains("published")
                .contains("rows where visibility = 'public'"));
        assertThat(rows).anySatisfy(line -> assertThat(line).contains("header").contains("user_version")
                .contains("absent").contains("not listed in the spec's header"));
    }

    @Test
    void printsThePlanAsOneJsonObject() throws Exception {
        Path db = forum();
        Path spec = Files.writeString(dir.resolve("spec.json"), FORUM_SPEC);
        CliRun r = CliRun.of("validate-filter", spec.toString(), "--db", db.toString(), "--plan", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip()).doesNotContain("\n").startsWith("{").endsWith("}");
        List<Map<String, String>> plan = planOf(r.out());
        assertThat(plan).contains(Map.of("kind", "column", "name", "email", "parent", "users",
                "disposition", "blanked", "reason", plan.stream()
                        .filter(e -> e.get("name").equals("email")).findFirst().orElseThrow().get("reason")));
        Map<String, String> audit = plan.stream().filter(e -> e.get("name").equals("audit_log")).findFirst()
                .orElseThrow();
        assertThat(audit).containsEntry("kind", "table").containsEntry("disposition", "absent")
                .containsEntry("parent", null);
        assertThat(audit.get("reason")).contains("not in the spec");
        assertThat(plan).filteredOn(e -> "user_version".equals(e.get("name"))).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("disposition", "absent"));

        CliRun plain = CliRun.of("validate-filter", spec.toString(), "--db", db.toString(), "--json");
        assertThat(plain.code()).as(plain.err()).isZero();
        assertThat(plain.out()).contains("\"valid\":true").contains("\"partialTables\":1").doesNotContain("plan");
    }

    @Test
    void planWithoutADatabaseIsAUsageErrorNamingTheMissingFlag() throws Exception {
        Path spec = Files.writeString(dir.resolve("spec.json"), FORUM_SPEC);
        CliRun r = CliRun.of("validate-filter", spec.toString(), "--plan");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--plan").contains("--db");
        assertThat(r.out()).isEmpty();
    }

    /** The entries of the {@code plan} array of the command's JSON output, values as strings. */
    private static List<Map<String, String>> planOf(String json) throws Exception {
        List<Map<String, String>> out = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME && p.getCurrentName().equals("plan")) {
                    assertThat(p.nextToken()).isEqualTo(JsonToken.START_ARRAY);
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        Map<String, String> entry = new HashMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.getCurrentName();
                            p.nextToken();
                            entry.put(key, p.currentToken() == JsonToken.VALUE_NULL ? null : p.getText());
                        }
                        out.add(entry);
                    }
                }
            }
        }
        assertThat(out).as("plan entries in " + json).isNotEmpty();
        return out;
    }
}
