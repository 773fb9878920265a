package dev.dbsync.cli;

import dev.dbsync.api.transport.Transport;
import dev.dbsync.core.Transports;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Entry point of the {@code dbsync} command.
 */
@Command(name = "dbsync", mixinStandardHelpOptions = true, version = "dbsync 0.1.0",
        description = "Replicates a filtered SQLite database from a back office to front offices over QUIC.",
        subcommands = {Main.TransportsCommand.class})
public final class Main implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line in-process.
     *
     * @param args the arguments
     * @return the exit code: 0 ok, 1 runtime failure, 2 usage or configuration error
     */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    /** Lists the transports found and whether each can run here. */
    @Command(name = "transports", description = "Lists the QUIC transports found and whether each can run here.")
    static final class TransportsCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (Transport t : Transports.all()) {
                out.printf("%-8s priority %3d  %s%n", t.name(), t.priority(), t.isAvailable()
                        ? "available" : "unavailable: " + t.unavailabilityCause().map(Throwable::toString).orElse("?"));
            }
            out.flush();
            return 0;
        }
    }
}
