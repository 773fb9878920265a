package dev.dbsync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs the benchmark sections and writes {@code benchmarks.md} and {@code benchmarks.json}.
 *
 * <pre>
 * ./dbsync-bench/run                 # full profile, writes docs/benchmarks.md and .json
 * ./dbsync-bench/run --quick         # a few minutes, smaller sizes
 * ./dbsync-bench/run --only transfer,lag --out /tmp/bench
 * </pre>
 *
 * A section that fails is reported as failed in the output; the others still run.
 */
public final class BenchHarness {
    /** The sections, in report order. */
    static final List<String> SECTIONS = List.of(ProductionSection.KEY, TransferSection.KEY, LagSection.KEY,
            FanOutSection.KEY, MemorySection.KEY);

    private BenchHarness() {
    }

    /**
     * @param args {@code [--quick|--smoke] [--out DIR] [--work DIR] [--only a,b] [--memory-subscribers N]}
     *     (the last one overrides the profile's subscriber count in the memory section)
     */
    public static void main(String[] args) throws Exception {
        String profile = "full";
        Path out = Path.of("docs");
        Path work = null;
        Set<String> only = new LinkedHashSet<>(SECTIONS);
        int memorySubscribers = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> profile = "quick";
                case "--smoke" -> profile = "smoke";
                case "--out" -> out = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--only" -> only = new LinkedHashSet<>(List.of(args[++i].split(",")));
                case "--memory-subscribers" -> memorySubscribers = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: run [--quick|--smoke] [--out DIR] [--work DIR] [--only "
                            + String.join(",", SECTIONS) + "] [--memory-subscribers N]");
                    System.exit(2);
                }
            }
        }
        Path dir = work != null ? work : Files.createTempDirectory("dbsync-bench");
        BenchProfile chosen = BenchProfile.named(profile);
        if (memorySubscribers > 0) {
            chosen = chosen.withMemorySubscribers(memorySubscribers);
        }
        BenchReport report = run(chosen, out, dir, only);
        boolean failed = report.figures().stream().anyMatch(f -> f.note().startsWith("failed"));
        if (work == null) {
            deleteTree(dir);
        }
        // kwik and netty may leave non-daemon threads behind a stalled run: end the tool explicitly
        System.exit(failed ? 1 : 0);
    }

    /**
     * Runs the chosen sections of a profile.
     *
     * @param profile sizes and repetitions
     * @param out where benchmarks.md and benchmarks.json are written
     * @param work scratch directory for databases
     * @param sections the section keys to run
     * @return the report written
     */
    static BenchReport run(BenchProfile profile, Path out, Path work, Set<String> sections) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Files.createDirectories(work);
        BenchReport report = new BenchReport(profile.name(), MachineDescription.describe());
        long t0 = System.nanoTime();
        List<String> unknown = new ArrayList<>(sections);
        unknown.removeAll(SECTIONS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown sections " + unknown + "; known: " + SECTIONS);
        }
        for (String key : SECTIONS) {
            if (!sections.contains(key)) {
                continue;
            }
            long s0 = System.nanoTime();
            System.out.println("== " + key + " (profile " + profile.name() + ")");
            try {
                switch (key) {
                    case ProductionSection.KEY -> ProductionSection.run(profile, work, report);
                    case TransferSection.KEY -> TransferSection.run(profile, work, report);
                    case LagSection.KEY -> LagSection.run(profile, work, report);
                    case FanOutSection.KEY -> FanOutSection.run(profile, work, report);
                    case MemorySection.KEY -> MemorySection.run(profile, work, report);
                    default -> throw new IllegalStateException(key);
                }
            } catch (Exception | Error e) {
                e.printStackTrace(System.out);
                report.section(key, key);
                report.add(new Figure(key, key, "", Double.NaN, "", Double.NaN, "failed: " + e));
            }
            double seconds = (System.nanoTime() - s0) / 1e9;
            report.describe(key, String.format(Locale.ROOT, "Section time: %.0f s.", seconds));
            System.out.printf(Locale.ROOT, "== %s done in %.0f s%n", key, seconds);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        report.write(out, elapsed);
        System.out.println("wrote " + out.resolve("benchmarks.md") + " and benchmarks.json in " + elapsed.toSeconds()
                + " s");
        return report;
    }

    /** Deletes a scratch directory and everything in it, if it exists. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
