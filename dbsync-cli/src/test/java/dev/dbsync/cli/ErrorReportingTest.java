package dev.dbsync.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorReportingTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownFlagIsAUsageErrorOnOneLine() {
        CliRun r = CliRun.of("verify", "--no-such-flag", "x.db");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("--no-such-flag").contains("dbsync verify");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aMissingFileIsAUsageErrorNamingTheOption() {
        CliRun r = CliRun.of("snapshot", "--db", dir.resolve("none.db").toString(), "--filter",
                dir.resolve("f.json").toString(), "--out", dir.resolve("o.db").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("dbsync snapshot: --db " + dir.resolve("none.db") + ": no such file");
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliRun r = CliRun.of("verify", "--verbose", dir.resolve("none.db").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no such file").contains("ConfigurationException").contains("Inputs.existingFile(");
    }

    @Test
    void aBrokenFilterFileIsAConfigurationErrorPointingAtTheKey() throws Exception {
        Path db = dir.resolve("forum.db");
        ForumDatabase.create(db);
        Path spec = Files.writeString(dir.resolve("f.json"), "{\"fullTables\": [\"users\"], \"filterdTables\": {}}");
        CliRun r = CliRun.of("snapshot", "--db", db.toString(), "--filter", spec.toString(), "--out",
                dir.resolve("o.db").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("filterdTables");
        assertThat(dir.resolve("o.db")).doesNotExist();
    }

    @Test
    void noCommandPrintsUsageAndIsAUsageError() {
        CliRun r = CliRun.of();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Usage: dbsync").contains("demo").contains("publish").contains("subscribe");
    }

    @Test
    void transportsListsNettyAndKwik() {
        CliRun r = CliRun.of("transports");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("netty").contains("kwik");
    }
}
