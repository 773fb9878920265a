package dev.dbsync.cli;

import dev.dbsync.api.DbsyncException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.Target;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.connectivity.RoutesTargetProvider;
import dev.dbsync.core.FilterSpecJson;
import dev.dbsync.core.Publisher;
import dev.dbsync.filter.FilterValidator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code dbsync publish}: the back-office daemon. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Back-office daemon: watches --db, produces a filtered snapshot on every change and pushes it "
                + "to every target. Stops cleanly on SIGTERM or Ctrl-C.")
final class PublishCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--db", required = true, paramLabel = "SRC", description = "The back-office SQLite database.")
    Path db;

    @Option(names = "--filter", required = true, paramLabel = "SPEC", description = "The FilterSpec JSON file.")
    Path filter;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Targets targets;

    /** Static targets or a routes database. */
    static final class Targets {
        @Option(names = "--target", paramLabel = "NAME=HOST:PORT", required = true,
                description = "A front office to push to (repeatable).")
        Map<String, String> list = new LinkedHashMap<>();

        @Option(names = "--routes-db", paramLabel = "PATH", required = true,
                description = "Read targets from the routes table of this database (rows with strategy dbsync or noop and a service_name dbsync:NAME), re-read before each push round.")
        Path routesDb;
    }

    @Option(names = "--save", paramLabel = "PATH",
            description = "Where the latest snapshot is kept (default: <SRC without .db>.public.db beside SRC). "
                    + "Never SRC itself; an existing file there is replaced only if a publisher wrote it "
                    + "(PATH.meta.json beside it), else refused: delete or move it.")
    Path save;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Trust trust;

    /** How the front offices' certificates are checked. */
    static final class Trust {
        @Option(names = "--ca", paramLabel = "CA.pem", required = true, description = "Trust only this CA (pinned).")
        Path ca;

        @Option(names = "--insecure", required = true, description = "Do not verify front offices' certificates (development only).")
        boolean insecure;
    }

    @Option(names = "--cert", paramLabel = "C", description = "Client certificate chain for mutual TLS (PEM); needs --key and --ca.")
    Path cert;

    @Option(names = "--key", paramLabel = "K", description = "Client private key (PEM, PKCS#8).")
    Path key;

    @Option(names = "--gzip", description = "Compress snapshots on the wire.")
    boolean gzip;

    @Option(names = "--transport", paramLabel = "netty|kwik", description = "QUIC transport (default: netty if it can run here, else kwik).")
    String transport;

    @Option(names = "--watch-interval", paramLabel = "DURATION", defaultValue = "200ms",
            description = "How often the database is polled (default: ${DEFAULT-VALUE}).")
    String watchInterval;

    @Option(names = "--status-port", paramLabel = "PORT", description = "Serve /status (JSON) and /metrics (Prometheus) on this HTTP port.")
    Integer statusPort;

    @Option(names = "--status-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address of the status endpoint (default: ${DEFAULT-VALUE}).")
    String statusHost;

    @Override
    public Integer call() throws Exception {
        Inputs.existingFile(db, "--db");
        PrintWriter out = spec.commandLine().getOut();
        FilterSpec fs = FilterSpecJson.read(Inputs.existingFile(filter, "--filter"));
        FilterValidator.validateAgainst(fs, db);
        TargetProvider provider = targetProvider();
        TlsSettings tls = tls();
        Path savePath = save != null ? save : defaultSavePath(db);
        Inputs.writableFile(savePath, "--save");
        Transport t = Inputs.transport(transport);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Publisher pub = Publisher.builder(db, fs, savePath).targets(provider).tls(tls).transport(t)
                .compression(gzip).watchInterval(Inputs.duration(watchInterval, "--watch-interval"))
                .meterRegistry(registry).build();
        StatusServer status = null;
        try {
            status = statusPort == null ? null : StatusServer.start(statusHost, statusPort, pub::status, registry);
            pub.start();
        } catch (RuntimeException e) {
            DaemonLifecycle.closeAll(status, pub);
            throw e;
        }
        out.printf("publisher: %s -> %s over %s (%s), snapshot kept at %s%s%n", db, describeTargets(),
                t.name(), tlsDescription(), savePath,
                status == null ? "" : ", status on http://" + statusHost + ":" + status.port() + "/status");
        out.flush();
        StatusServer statusServer = status;
        DaemonLifecycle.runUntilStopped(() -> {
            DaemonLifecycle.closeAll(statusServer, pub);
            out.println("publisher: stopped");
            out.flush();
        }, why -> {
            out.println("publisher: stopping (" + why + ")");
            out.flush();
        });
        return Main.OK;
    }

    static Path defaultSavePath(Path source) {
        String name = source.getFileName().toString();
        String base = name.endsWith(".db") ? name.substring(0, name.length() - 3) : name;
        return source.resolveSibling(base + ".public.db");
    }

    private TargetProvider targetProvider() {
        if (targets.routesDb != null) {
            Inputs.existingFile(targets.routesDb, "--routes-db");
            RoutesTargetProvider routes = RoutesTargetProvider.open(targets.routesDb);
            try {
                routes.targets(); // a missing routes table is a configuration error, found now rather than later
            } catch (DbsyncException e) {
                throw new ConfigurationException("--routes-db " + targets.routesDb + ": " + e.getMessage(), e);
            }
            return routes;
        }
        List<Target> list = new ArrayList<>();
        for (Map.Entry<String, String> e : targets.list.entrySet()) {
            String endpoint = e.getValue();
            int colon = endpoint.lastIndexOf(':');
            if (e.getKey().isBlank() || colon <= 0 || colon == endpoint.length() - 1) {
                throw new ConfigurationException("--target " + e.getKey() + "=" + endpoint + ": expected NAME=HOST:PORT");
            }
            try {
                int port = Integer.parseInt(endpoint.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException ex) {
                throw new ConfigurationException("--target " + e.getKey() + "=" + endpoint + ": bad port");
            }
            list.add(Target.dbsync(e.getKey(), endpoint));
        }
        return TargetProvider.of(list.toArray(new Target[0]));
    }

    private TlsSettings tls() {
        if ((cert == null) != (key == null)) {
            throw new ConfigurationException("--cert and --key go together");
        }
        if (trust.insecure) {
            if (cert != null) {
                throw new ConfigurationException("--cert/--key need --ca: a client certificate without a pinned CA "
                        + "makes no sense");
            }
            return TlsSettings.insecureClient();
        }
        Path ca = Inputs.existingFile(trust.ca, "--ca");
        if (cert == null) {
            return TlsSettings.clientWithCa(ca);
        }
        return TlsSettings.mutualClient(ca, Inputs.existingFile(cert, "--cert"), Inputs.existingFile(key, "--key"));
    }

    private String tlsDescription() {
        return trust.insecure ? "TLS, certificates NOT verified" : cert != null ? "mutual TLS, CA pinned" : "TLS, CA pinned";
    }

    private String describeTargets() {
        return targets.routesDb != null ? "the targets of routes database " + targets.routesDb
                : String.join(", ", targets.list.keySet());
    }
}
