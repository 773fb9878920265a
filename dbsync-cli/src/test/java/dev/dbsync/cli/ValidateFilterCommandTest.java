package dev.dbsync.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
