package dev.dbsync.cli;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.core.FilterSpecJson;
import dev.dbsync.filter.FilterValidator;
import dev.dbsync.filter.PublicationReview;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code dbsync validate-filter}: checks a FilterSpec file, and optionally against a database;
 * with {@code --plan}, prints the publication plan over that database ({@link PlanOutput}).
 */
@Command(name = "validate-filter", mixinStandardHelpOptions = true,
        description = "Checks a FilterSpec JSON file (keys, types, WHERE expressions); with --db, also that "
                + "every table, column and view exists in that database; with --plan, prints for every object "
                + "of that database whether it is published, blanked, rebuilt, dropped or absent, and why. "
                + "Exit 0 when valid, 2 when not.")
final class ValidateFilterCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The FilterSpec JSON file.")
    Path file;

    @Option(names = "--db", paramLabel = "SRC", description = "Also check the names against this database.")
    Path db;

    @Option(names = "--plan", description = "Print the publication plan over the --db database: every table, "
            + "column, index, constraint dropped, trigger, view, virtual and shadow table, header field, "
            + "with its disposition and reason.")
    boolean plan;

    @Option(names = "--json", description = "Print one JSON object (keys valid, spec, db, counts; and plan with "
            + "--plan).")
    boolean json;

    @Override
    public Integer call() {
        if (plan && db == null) {
            throw new ConfigurationException("--plan needs --db SRC: the plan is read from the source database");
        }
        FilterSpec fs = FilterSpecJson.read(Inputs.existingFile(file, "SPEC"));
        FilterValidator.validate(fs);
        PublicationReview review = null;
        if (db != null) {
            Path source = Inputs.existingFile(db, "--db");
            if (plan) {
                review = FilterValidator.plan(fs, source);
            } else {
                FilterValidator.validateAgainst(fs, source);
            }
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("valid", true);
            m.put("spec", file.toString());
            m.put("db", db == null ? null : db.toString());
            m.put("fullTables", fs.fullTables().size());
            m.put("filteredTables", fs.filteredTables().size());
            m.put("partialTables", fs.partialTables().size());
            m.put("views", fs.views().size());
            if (review != null) {
                m.put("plan", PlanOutput.json(review));
            }
            w.println(JsonOutput.compact(m));
        } else {
            w.printf("%s: valid%s — %d full, %d filtered, %d partial tables, %d views%n", file,
                    db == null ? "" : " against " + db, fs.fullTables().size(), fs.filteredTables().size(),
                    fs.partialTables().size(), fs.views().size());
            if (review != null) {
                PlanOutput.text(review, w);
            }
        }
        w.flush();
        return Main.OK;
    }
}
