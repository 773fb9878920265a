package dev.dbsync.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one run, written as {@code benchmarks.md} and {@code benchmarks.json}. Not thread-safe. */
final class BenchReport {
    private final String profile;
    private final Map<String, String> machine;
    private final Map<String, String> titles = new LinkedHashMap<>();
    private final Map<String, List<String>> descriptions = new LinkedHashMap<>();
    private final List<Figure> figures = new ArrayList<>();

    BenchReport(String profile, Map<String, String> machine) {
        this.profile = profile;
        this.machine = new LinkedHashMap<>(machine);
    }

    /** Declares a section and what it measured (sizes, runs, method), in the order of the report. */
    void section(String key, String title, String... description) {
        titles.put(key, title);
        descriptions.computeIfAbsent(key, k -> new ArrayList<>()).addAll(List.of(description));
    }

    /** Adds a line to a declared section's description (e.g. a size known only after generation). */
    void describe(String key, String line) {
        descriptions.computeIfAbsent(key, k -> new ArrayList<>()).add(line);
    }

    void add(Figure figure) {
        figures.add(figure);
        System.out.println("  " + figure.subject() + ": " + number(figure.value()) + " " + figure.metric() + " vs "
                + figure.baseline() + " " + number(figure.baselineValue()) + " -> ratio "
                + figure.ratio().map(r -> String.format(Locale.ROOT, "%.2f", r)).orElse("n/a")
                + (figure.note().isEmpty() ? "" : " (" + figure.note() + ")"));
    }

    List<Figure> figures() {
        return List.copyOf(figures);
    }

    /** Writes {@code benchmarks.md} and {@code benchmarks.json} into {@code dir}. */
    void write(Path dir, Duration elapsed) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("benchmarks.md"), markdown(elapsed), StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(dir.resolve("benchmarks.json"));
             JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("profile", profile);
            g.writeNumberField("elapsed_seconds", Math.round(elapsed.toMillis() / 100.0) / 10.0);
            g.writeObjectFieldStart("machine");
            for (Map.Entry<String, String> m : machine.entrySet()) {
                g.writeStringField(m.getKey(), m.getValue());
            }
            g.writeEndObject();
            g.writeArrayFieldStart("sections");
            for (Map.Entry<String, String> s : titles.entrySet()) {
                g.writeStartObject();
                g.writeStringField("key", s.getKey());
                g.writeStringField("title", s.getValue());
                g.writeArrayFieldStart("description");
                for (String line : descriptions.getOrDefault(s.getKey(), List.of())) {
                    g.writeString(line);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("figures");
            for (Figure f : figures) {
                g.writeStartObject();
                g.writeStringField("section", f.section());
                g.writeStringField("subject", f.subject());
                g.writeStringField("metric", f.metric());
                writeNumber(g, "value", f.value());
                g.writeStringField("baseline", f.baseline());
                writeNumber(g, "baseline_value", f.baselineValue());
                writeNumber(g, "ratio", f.ratio().orElse(Double.NaN));
                g.writeStringField("note", f.note());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void writeNumber(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, Math.round(v * 1000) / 1000.0);
        }
    }

    private String markdown(Duration elapsed) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Written by `./dbsync-bench/run").append(profile.equals("full") ? "" : " --" + profile)
                .append("` (profile **").append(profile).append("**, ").append(elapsed.toSeconds())
                .append(" s). Every figure is the median of the runs stated, beside its baseline measured in the same run;")
                .append(" **ratio = value ÷ baseline**. MB = 10^6 bytes, MiB = 2^20 bytes. Raw data: `benchmarks.json`.\n\n");
        md.append("## Machine\n\n| | |\n|---|---|\n");
        for (Map.Entry<String, String> m : machine.entrySet()) {
            md.append("| ").append(m.getKey()).append(" | ").append(m.getValue()).append(" |\n");
        }
        for (Map.Entry<String, String> s : titles.entrySet()) {
            md.append("\n## ").append(s.getValue()).append("\n\n");
            for (String line : descriptions.getOrDefault(s.getKey(), List.of())) {
                md.append("- ").append(line).append('\n');
            }
            md.append("\n| subject | metric | value | baseline | baseline value | ratio | note |\n");
            md.append("|---|---|---:|---|---:|---:|---|\n");
            for (Figure f : figures) {
                if (!f.section().equals(s.getKey())) {
                    continue;
                }
                md.append("| ").append(f.subject()).append(" | ").append(f.metric()).append(" | ")
                        .append(number(f.value())).append(" | ").append(f.baseline()).append(" | ")
                        .append(number(f.baselineValue())).append(" | ")
                        .append(f.ratio().map(r -> String.format(Locale.ROOT, "%.2f", r)).orElse("—"))
                        .append(" | ").append(f.note().replace("|", "/")).append(" |\n");
            }
        }
        return md.toString();
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        double a = Math.abs(v);
        String pattern = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, v);
    }
}
