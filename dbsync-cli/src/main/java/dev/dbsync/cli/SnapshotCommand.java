package dev.dbsync.cli;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.core.FilterSpecJson;
import dev.dbsync.filter.FilterValidator;
import dev.dbsync.filter.ProductionReport;
import dev.dbsync.filter.SnapshotProducer;
import dev.dbsync.filter.TableReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code dbsync snapshot}: one filtered snapshot, with the production report. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Produces one filtered snapshot of a database and prints what was published and withheld.")
final class SnapshotCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--db", required = true, paramLabel = "SRC", description = "The source (back-office) SQLite database.")
    Path db;

    @Option(names = "--filter", required = true, paramLabel = "SPEC", description = "The FilterSpec JSON file.")
    Path filter;

    @Option(names = "--out", required = true, paramLabel = "PATH", description = "Where to write the snapshot (replaced atomically).")
    Path out;

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Override
    @SuppressWarnings("try") // the resource only needs closing
    public Integer call() throws Exception {
        Inputs.existingFile(db, "--db");
        FilterSpec fs = FilterSpecJson.read(Inputs.existingFile(filter, "--filter"));
        Inputs.writableFile(out, "--out");
        FilterValidator.validateAgainst(fs, db);
        Progress progress = Progress.onTerminal(spec.commandLine().getErr());
        progress.step("producing a filtered snapshot of " + db + " …");
        Path dir = out.toAbsolutePath().getParent();
        ProductionReport report;
        // the producer writes ".<name>.*" beside the output, then renames it
        try (AutoCloseable bar = progress.forFilesGrowing(dir, "." + out.getFileName() + ".", Files.size(db),
                "producing " + out.getFileName())) {
            report = SnapshotProducer.builder(db).build().produce(out, fs);
        } finally {
            progress.done();
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(JsonOutput.pretty(toMap(report, out)));
        } else {
            w.printf("snapshot %s: version %d, %d bytes, sha256 %s, %d ms%n", out, report.meta().version(),
                    report.bytes(), report.meta().hash(), report.elapsed().toMillis());
            printTables(w, report.tables());
            w.printf("%-24s %10d %10d%n", "total", report.rowsPublished(), report.rowsWithheld());
        }
        w.flush();
        return Main.OK;
    }

    static void printTables(PrintWriter w, List<TableReport> tables) {
        w.printf("%-24s %10s %10s%n", "table", "published", "withheld");
        for (TableReport t : tables) {
            w.printf("%-24s %10d %10d%n", t.name(), t.rowsPublished(), t.rowsWithheld());
        }
    }

    static Map<String, Object> toMap(ProductionReport report, Path out) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", out.toString());
        m.put("version", report.meta().version());
        m.put("hash", report.meta().hash());
        m.put("size", report.bytes());
        m.put("elapsed_ms", report.elapsed().toMillis());
        List<Map<String, Object>> tables = new ArrayList<>();
        for (TableReport t : report.tables()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("name", t.name());
            tm.put("rows_published", t.rowsPublished());
            tm.put("rows_withheld", t.rowsWithheld());
            tables.add(tm);
        }
        m.put("tables", tables);
        m.put("rows_published", report.rowsPublished());
        m.put("rows_withheld", report.rowsWithheld());
        return m;
    }
}
