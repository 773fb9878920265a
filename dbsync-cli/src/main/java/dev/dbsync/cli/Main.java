package dev.dbsync.cli;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.TlsConfigException;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.core.Transports;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Entry point of the {@code dbsync} command.
 *
 * <p>Exit codes: {@value #OK} ok, {@value #FAILURE} runtime failure, {@value #USAGE} usage or
 * configuration error. Errors print one line on stderr; {@code --verbose} adds the stack trace.
 */
@Command(name = "dbsync", mixinStandardHelpOptions = true, version = "dbsync 0.1.0",
        description = "Replicates a filtered SQLite database from a back office to front offices over QUIC.",
        subcommands = {DemoCommand.class, SnapshotCommand.class, PublishCommand.class, SubscribeCommand.class,
            VerifyCommand.class, ValidateFilterCommand.class, GencertsCommand.class, Main.TransportsCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    /** Exit code of success. */
    public static final int OK = 0;
    /** Exit code of a runtime failure. */
    public static final int FAILURE = 1;
    /** Exit code of a usage or configuration error. */
    public static final int USAGE = 2;

    private static final List<String> DAEMONS = List.of("publish", "subscribe");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Log more and print stack traces of errors.")
    boolean verbose;

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line in-process, writing to {@code System.out} and {@code System.err}.
     *
     * @param args the arguments
     * @return the exit code: 0 ok, 1 runtime failure, 2 usage or configuration error
     */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /**
     * Runs the command line in-process.
     *
     * @param out where results go
     * @param err where errors (and progress, on a terminal) go
     * @param args the arguments
     * @return the exit code: 0 ok, 1 runtime failure, 2 usage or configuration error
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        boolean daemon = args.length > 0 && DAEMONS.contains(args[0]);
        configureLogging(verbose, daemon);
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage()
                    + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            if (verbose) {
                ex.printStackTrace(c.getErr());
            }
            c.getErr().flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            int code = exitCodeOf(ex);
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + messageOf(ex));
            if (verbose) {
                ex.printStackTrace(c.getErr());
            }
            c.getErr().flush();
            return code;
        });
        return cl.execute(args);
    }

    /** Library logs go to stderr: warnings only for one-shot commands, info for daemons. */
    private static void configureLogging(boolean verbose, boolean daemon) {
        String level = verbose ? "debug" : daemon ? "info" : "warn";
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        if (daemon) {
            System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
            System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        }
        System.setProperty("org.slf4j.simpleLogger.log.io.netty", verbose ? "debug" : "warn");
        System.setProperty("org.slf4j.simpleLogger.log.tech.kwik", verbose ? "debug" : "warn");
    }

    static int exitCodeOf(Throwable ex) {
        if (ex instanceof ConfigurationException || ex instanceof FilterException || ex instanceof TlsConfigException
                || ex instanceof IllegalArgumentException) {
            return USAGE;
        }
        return FAILURE;
    }

    private static String messageOf(Throwable ex) {
        String m = ex.getMessage();
        if (m == null || m.isBlank()) {
            m = ex.getClass().getSimpleName();
        }
        Throwable cause = ex.getCause();
        if (cause != null && cause.getMessage() != null && !m.contains(cause.getMessage())) {
            m += ": " + cause.getMessage();
        }
        return m.replace('\n', ' ');
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** Lists the transports found and whether each can run here. */
    @Command(name = "transports", mixinStandardHelpOptions = true,
            description = "Lists the QUIC transports found and whether each can run here.")
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
            return OK;
        }
    }
}
