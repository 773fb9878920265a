package dev.dbsync.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Section 1: snapshot production on generated sources, through JMH (single-shot iterations). */
final class ProductionSection {
    static final String KEY = "production";
    /** Sources up to this size get one untimed JMH warm-up iteration; larger ones none (minutes). */
    private static final int WARM_UP_LIMIT_MB = 200;

    private ProductionSection() {
    }

    static void run(BenchProfile profile, Path work, BenchReport report) throws Exception {
        report.section(KEY, "1. Snapshot production",
                "Generated sources with about 20% of their bytes published: `catalog` whole, 20% of `events`,"
                        + " half the `users` rows with 2 of 5 columns; `audit` and `sessions` private.",
                "**ours**: `SnapshotProducer` (includes SHA-256 of the output). **original**: VACUUM INTO a copy, DROP"
                        + " unlisted tables, DELETE filtered rows, UPDATE partial columns, VACUUM (includes SHA-256)."
                        + " **anchor**: SQLite's `VACUUM INTO` of a database holding only the published data (no hash).",
                "JMH 1.37, mode SingleShotTime, " + profile.jmhForks() + " fork(s) (`-Xmx512m`), one untimed warm-up"
                        + " iteration for sources up to " + WARM_UP_LIMIT_MB + " MB (none above), median of the"
                        + " iterations stated per row; seconds, lower is better.");
        for (BenchProfile.Sized size : profile.production()) {
            int mb = (int) (size.bytes() / 1_000_000L);
            Path dir = work.resolve("production-" + mb + "mb");
            Files.createDirectories(dir);
            Path source = dir.resolve("source.db");
            long t = System.nanoTime();
            SourceDatabase.generate(source, mb);
            double generated = (System.nanoTime() - t) / 1e9;
            long sourceBytes = Files.size(source);
            System.out.printf(Locale.ROOT, "production: generated %.1f MB source in %.1f s%n", sourceBytes / 1e6, generated);
            Options options = new OptionsBuilder()
                    .include(ProductionBenchmark.class.getName() + "\\.")
                    .param("source", source.toString())
                    .param("work", dir.resolve("out").toString())
                    .forks(profile.jmhForks())
                    .warmupIterations(mb <= WARM_UP_LIMIT_MB ? 1 : 0)
                    .measurementIterations(size.runs())
                    .timeout(TimeValue.minutes(10))
                    .jvmArgsAppend("-Xmx512m")
                    .verbosity(VerboseMode.SILENT)
                    .shouldFailOnError(true)
                    .build();
            System.out.printf(Locale.ROOT, "production: JMH, %d iteration(s) of ours, original and anchor%n",
                    size.runs());
            Collection<RunResult> results = new Runner(options).run();
            Map<String, Double> seconds = new HashMap<>();
            for (RunResult r : results) {
                String label = r.getParams().getBenchmark();
                label = label.substring(label.lastIndexOf('.') + 1);
                seconds.put(label, r.getPrimaryResult().getStatistics().getPercentile(50) / 1000.0);
            }
            long published = Files.size(dir.resolve("out").resolve("ours.db"));
            report.describe(KEY, String.format(Locale.ROOT, "%d MB class: source %.1f MB, snapshot %.1f MB (%.0f%% of"
                    + " the source), %d iteration(s).", mb, sourceBytes / 1e6, published / 1e6,
                    100.0 * published / sourceBytes, size.runs()));
            double ours = seconds.getOrDefault("ours", Double.NaN);
            String subject = String.format(Locale.ROOT, "ours, %.0f MB source", sourceBytes / 1e6);
            report.add(new Figure(KEY, subject, "s", ours, "original", seconds.getOrDefault("original", Double.NaN),
                    size.runs() + " run(s)"));
            report.add(new Figure(KEY, subject, "s", ours, "anchor", seconds.getOrDefault("anchor", Double.NaN),
                    size.runs() + " run(s)"));
            BenchHarness.deleteTree(dir);
        }
    }
}
