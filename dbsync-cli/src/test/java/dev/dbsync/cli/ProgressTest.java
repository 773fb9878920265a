package dev.dbsync.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {
    @TempDir
    Path dir;

    @Test
    void lineSaysElapsedTimeAndBytesWritten() {
        assertThat(Progress.line("producing public.db", 5_000_000, 40_000_000, 2_500_000_000L))
                .isEqualTo("producing public.db: 2.5 s, 5.0 MB written (source 40.0 MB)");
    }

    @Test
    @SuppressWarnings("try") // the resource only needs closing
    void staysQuietWhenNotOnATerminal() throws Exception {
        StringWriter err = new StringWriter();
        Progress p = Progress.onTerminal(new PrintWriter(err, true));
        Files.write(dir.resolve(".out.db.123.tmp"), new byte[1 << 20]);
        try (AutoCloseable bar = p.forFilesGrowing(dir, ".out.db.", 100L << 20, "snapshot")) {
            p.step("working");
            Thread.sleep(300);
        }
        p.done();
        assertThat(err.toString()).as("tests run without a console").isEmpty();
    }
}
