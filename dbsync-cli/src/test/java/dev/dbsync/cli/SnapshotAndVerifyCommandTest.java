package dev.dbsync.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotAndVerifyCommandTest {
    @TempDir
    Path dir;

    private Path snapshot(String... extra) throws Exception {
        Path db = dir.resolve("forum.db");
        ForumDatabase.create(db);
        Path spec = Files.writeString(dir.resolve("spec.json"), ValidateFilterCommandTest.FORUM_SPEC);
        Path out = dir.resolve("public.db");
        String[] base = {"snapshot", "--db", db.toString(), "--filter", spec.toString(), "--out", out.toString()};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        CliRun r = CliRun.of(args);
        assertThat(r.code()).as(r.err()).isZero();
        lastOut = r.out();
        return out;
    }

    private String lastOut;

    @Test
    void snapshotPublishesOnlyTheFilteredDataAndReportsIt() throws Exception {
        Path out = snapshot();
        assertThat(lastOut).containsPattern("posts\\s+8\\s+4").containsPattern("users\\s+6\\s+0")
                .contains("sha256 " + VerifyCommand.sha256(out));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out)) {
            assertThat(DemoReport.count(c, "SELECT COUNT(*) FROM posts WHERE visibility = 'private'")).isZero();
            assertThat(DemoReport.count(c, "SELECT COUNT(*) FROM users WHERE email <> ''")).isZero();
            assertThat(DemoReport.count(c, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'audit_log'")).isZero();
        }
    }

    @Test
    void snapshotJsonHasTheReport() throws Exception {
        Path out = snapshot("--json");
        assertThat(lastOut).contains("\"rows_published\" : 14").contains("\"rows_withheld\" : 4")
                .contains("\"hash\" : \"" + VerifyCommand.sha256(out) + "\"")
                .contains("\"size\" : " + Files.size(out));
    }

    @Test
    void verifyJsonGivesOkHashSizeAndVersionFromTheServedMeta() throws Exception {
        Path out = snapshot();
        String hash = VerifyCommand.sha256(out);
        long size = Files.size(out);
        CliRun plain = CliRun.of("verify", "--json", out.toString());
        assertThat(plain.code()).isZero();
        assertThat(plain.out().strip()).startsWith("{\"ok\":true,\"hash\":\"" + hash + "\",\"size\":" + size
                + ",\"version\":null");

        Files.writeString(dir.resolve("public.db.meta.json"), "{\"version\":42,\"hash\":\"" + hash + "\",\"size\":"
                + size + ",\"timestamp\":1700000000,\"compressed\":false,\"swapped_at\":1700000001}");
        CliRun served = CliRun.of("verify", "--json", out.toString());
        assertThat(served.code()).isZero();
        assertThat(served.out()).startsWith("{\"ok\":true,\"hash\":\"" + hash + "\",\"size\":" + size + ",\"version\":42");
        CliRun text = CliRun.of("verify", out.toString());
        assertThat(text.out()).contains("ok").contains(hash).contains("version    42");
    }

    @Test
    void verifyFailsWhenTheMetaDoesNotMatch() throws Exception {
        Path out = snapshot();
        Files.writeString(dir.resolve("public.db.meta.json"),
                "{\"version\":7,\"hash\":\"" + "0".repeat(64) + "\",\"size\":1,\"timestamp\":1}");
        CliRun r = CliRun.of("verify", "--json", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).startsWith("{\"ok\":false").contains("hash differs").contains("size differs");
    }

    @Test
    void verifyFailsOnACorruptDatabase() throws Exception {
        Path out = snapshot();
        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
            f.seek(f.length() - 2048); // inside the last page: b-tree content, not the header
            f.write(new byte[1024]);
            f.seek(4096 + 8);
            f.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        }
        CliRun r = CliRun.of("verify", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("NOT OK").contains("integrity check");
    }

    @Test
    void verifyFailsOnAFileThatIsNotADatabase() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.db"), "this is not sqlite ".repeat(300));
        CliRun r = CliRun.of("verify", "--json", junk.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).startsWith("{\"ok\":false");
    }
}
