package dev.dbsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbsync.api.DbsyncException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.testkit.TcpTlsTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A publisher refuses, at build, a save path that would overwrite its source. */
class PublisherSavePathTest {
    private static final FilterSpec SPEC = FilterSpec.builder().fullTables("t").build();

    @TempDir
    Path dir;

    private Publisher.Builder builder(Path source, Path savePath) {
        return Publisher.builder(source, SPEC, savePath).targets(TargetProvider.of())
                .tls(TlsSettings.insecureClient()).transport(new TcpTlsTransport());
    }

    @Test
    void aSavePathThatIsTheSourceOrOneOfItsFilesIsRefusedNamingBoth() throws Exception {
        Path source = dir.resolve("bo.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (a)");
            s.execute("INSERT INTO t VALUES ('MkKept')");
        }
        Path link = dir.resolve("link.db");
        Files.createLink(link, source);
        for (Path save : List.of(source, dir.resolve("./bo.db"), Path.of(source + "-wal"), Path.of(source + "-journal"),
                link, dir.resolve("bo"))) {
            Path sourceArg = save.equals(dir.resolve("bo")) ? dir.resolve("bo.next") : source;
            assertThatThrownBy(() -> builder(sourceArg, save).build().close())
                    .as(save.toString())
                    .isInstanceOf(DbsyncException.class)
                    .hasMessageContaining(sourceArg.toString());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT a FROM t")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("MkKept");
        }
        builder(source, dir.resolve("public.db")).build().close();
    }
}
