package dev.dbsync.cli;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.core.FilterSpecJson;
import dev.dbsync.filter.FilterValidator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dbsync validate-filter}: checks a FilterSpec file, and optionally against a database. */
@Command(name = "validate-filter", mixinStandardHelpOptions = true,
        description = "Checks a FilterSpec JSON file (keys, types, WHERE expressions); with --db, also that "
                + "every table, column and view exists in that database. Exit 0 when valid, 2 when not.")
final class ValidateFilterCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The FilterSpec JSON file.")
    Path file;

    @Option(names = "--db", paramLabel = "SRC", description = "Also check the names against this database.")
    Path db;

    @Override
    public Integer call() {
        FilterSpec fs = FilterSpecJson.read(Inputs.existingFile(file, "SPEC"));
        FilterValidator.validate(fs);
        if (db != null) {
            FilterValidator.validateAgainst(fs, Inputs.existingFile(db, "--db"));
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf("%s: valid%s — %d full, %d filtered, %d partial tables, %d views%n", file,
                db == null ? "" : " against " + db, fs.fullTables().size(), fs.filteredTables().size(),
                fs.partialTables().size(), fs.views().size());
        w.flush();
        return Main.OK;
    }
}
