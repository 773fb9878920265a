package dev.dbsync.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** One tiny iteration of every benchmark section, so the harness cannot rot: not a measurement. */
class BenchmarkSmokeIT {
    @TempDir
    Path dir;

    @Test
    void everySectionProducesFiguresAndBothReportsAreWellFormed() throws Exception {
        Path out = dir.resolve("out");
        BenchReport report = assertTimeoutPreemptively(Duration.ofMinutes(3), () -> BenchHarness.run(
                BenchProfile.smoke(), out, dir.resolve("work"), Set.copyOf(BenchHarness.SECTIONS)));

        List<Figure> figures = report.figures();
        assertThat(figures).noneMatch(f -> f.note().startsWith("failed"));
        assertThat(figures).extracting(Figure::section).containsAll(BenchHarness.SECTIONS);
        // kwik may stall (reported as such); every other figure and its baseline were measured
        assertThat(figures).filteredOn(f -> !f.subject().contains("kwik"))
                .allSatisfy(f -> assertThat(f.ratio()).as(f.toString()).isPresent());
        assertThat(figures).filteredOn(f -> f.subject().equals("netty → netty, raw")).isNotEmpty();

        String md = Files.readString(out.resolve("benchmarks.md"));
        assertThat(md).contains("## Machine", "| cores |", "1. Snapshot production", "2. Transfer over loopback",
                "3. End-to-end lag", "4. Fan-out", "5. Memory", "| ours, ");
        Set<String> fields = new HashSet<>();
        int figuresInJson = 0;
        try (JsonParser p = new JsonFactory().createParser(out.resolve("benchmarks.json").toFile())) {
            for (JsonToken t; (t = p.nextToken()) != null; ) {
                if (t == JsonToken.FIELD_NAME) {
                    fields.add(p.currentName());
                    if (p.currentName().equals("baseline_value")) {
                        figuresInJson++;
                    }
                }
            }
        }
        assertThat(fields).contains("profile", "machine", "cpu", "jdk", "figures", "value", "baseline", "ratio");
        assertThat(figuresInJson).isEqualTo(figures.size());
    }
}
