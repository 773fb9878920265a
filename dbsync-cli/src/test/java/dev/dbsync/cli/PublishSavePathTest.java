package dev.dbsync.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dbsync publish --save} never overwrites a file the publisher did not write (red team:
 * {@code --save} equal to {@code --db} replaced the back office with its filtered snapshot, and
 * an existing database at the save path was overwritten): both are refused at start, exit 1,
 * one line naming the paths, the files untouched.
 */
@Timeout(60)
class PublishSavePathTest {
    @TempDir
    Path dir;

    private CliRun publish(Path bo, Path spec, String... save) {
        String[] args = {"publish", "--db", bo.toString(), "--filter", spec.toString(), "--target",
            "fo-1=127.0.0.1:1", "--insecure"};
        String[] all = java.util.Arrays.copyOf(args, args.length + save.length);
        System.arraycopy(save, 0, all, args.length, save.length);
        return CliRun.of(all);
    }

    @Test
    void aSavePathThatIsTheSourceOrSomebodyElsesFileIsRefusedAndLeftAsItIs() throws Exception {
        Path bo = dir.resolve("bo.db");
        ForumDatabase.create(bo);
        Path spec = Files.writeString(dir.resolve("spec.json"), ValidateFilterCommandTest.FORUM_SPEC);
        String source = VerifyCommand.sha256(bo);

        CliRun same = publish(bo, spec, "--save", bo.toString());
        assertThat(same.code()).isEqualTo(1);
        assertThat(same.err().strip()).doesNotContain("\n")
                .startsWith("dbsync publish: the save path " + bo + " is the source database " + bo);
        CliRun wal = publish(bo, spec, "--save", bo + "-wal");
        assertThat(wal.code()).isEqualTo(1);
        assertThat(wal.err()).contains("the save path " + bo + "-wal is the wal file");
        assertThat(VerifyCommand.sha256(bo)).as("the back office, untouched").isEqualTo(source);

        Path foreign = dir.resolve("foreign.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE other(x)");
            s.execute("INSERT INTO other VALUES ('someone elses')");
        }
        Path defaultSave = dir.resolve("bo.public.db");
        Files.copy(foreign, defaultSave);
        String theirs = VerifyCommand.sha256(foreign);
        for (CliRun refused : new CliRun[] {publish(bo, spec, "--save", foreign.toString()), publish(bo, spec)}) {
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err().strip()).doesNotContain("\n").startsWith("dbsync publish: ")
                    .contains("exists but was not written by a dbsync publisher").contains("Delete or move it");
        }
        assertThat(VerifyCommand.sha256(foreign)).isEqualTo(theirs);
        assertThat(VerifyCommand.sha256(defaultSave)).isEqualTo(theirs);
        assertThat(VerifyCommand.sha256(bo)).isEqualTo(source);
    }
}
