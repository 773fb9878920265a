package dev.dbsync.cli;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.core.Subscriber;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dbsync subscribe}: the front-office daemon. */
@Command(name = "subscribe", mixinStandardHelpOptions = true,
        description = "Front-office daemon: receives snapshots on HOST:PORT, verifies them and swaps the read-only "
                + "database at --db atomically. Stops cleanly on SIGTERM or Ctrl-C.")
final class SubscribeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--db", required = true, paramLabel = "PATH", description = "The served database file. An "
            + "existing file is served only if dbsync wrote it (PATH.meta.json beside it) or with --adopt; one "
            + "subscriber or publisher at a time (lock file PATH.lock).")
    Path db;

    @Option(names = "--adopt", description = "Serve an existing SQLite database at --db that dbsync did not write "
            + "as version 0, until the first snapshot replaces it. Without it such a file is refused and left as it is.")
    boolean adopt;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", description = "Where to listen (UDP), e.g. 0.0.0.0:9443.")
    String listen;

    @Option(names = "--cert", required = true, paramLabel = "C", description = "Server certificate chain (PEM).")
    Path cert;

    @Option(names = "--key", required = true, paramLabel = "K", description = "Server private key (PEM, PKCS#8).")
    Path key;

    @Option(names = "--client-ca", paramLabel = "CA.pem",
            description = "Require client certificates issued by this CA (mutual TLS). Not supported by kwik.")
    Path clientCa;

    @Option(names = "--max-age", paramLabel = "DURATION",
            description = "Refuse snapshots older than this (e.g. 1h, 30m, PT2H).")
    String maxAge;

    @Option(names = "--transport", paramLabel = "netty|kwik", description = "QUIC transport (default: netty if it can run here, else kwik).")
    String transport;

    @Option(names = "--status-port", paramLabel = "PORT", description = "Serve /status (JSON) and /metrics (Prometheus) on this HTTP port.")
    Integer statusPort;

    @Option(names = "--status-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address of the status endpoint (default: ${DEFAULT-VALUE}).")
    String statusHost;

    @Override
    public Integer call() throws Exception {
        Inputs.existingFile(cert, "--cert");
        Inputs.existingFile(key, "--key");
        TlsSettings tls = clientCa == null ? TlsSettings.server(cert, key)
                : TlsSettings.mutualServer(cert, key, Inputs.existingFile(clientCa, "--client-ca"));
        Inputs.writableFile(db, "--db");
        Transport t = Inputs.transport(transport);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Subscriber.Builder b = Subscriber.builder().dbPath(db).listen(listen).tls(tls).transport(t)
                .meterRegistry(registry).adoptExisting(adopt);
        if (maxAge != null) {
            b.maxAge(Inputs.duration(maxAge, "--max-age"));
        }
        PrintWriter out = spec.commandLine().getOut();
        Subscriber sub = b.build();
        StatusServer status = null;
        try {
            status = statusPort == null ? null : StatusServer.start(statusHost, statusPort, sub::status, registry);
            sub.onSwap(() -> {
                out.printf("serving version %d (%s)%n", sub.version(),
                        sub.servedMeta().map(m -> m.shortHash()).orElse("?"));
                out.flush();
            });
            sub.start();
        } catch (RuntimeException e) {
            DaemonLifecycle.closeAll(status, sub);
            throw e;
        }
        out.printf("subscriber: %s on %s (%s, %s), serving %s%s%n", db, Inputs.hostPort(sub.localAddress()), t.name(),
                clientCa == null ? "TLS" : "mutual TLS",
                sub.servedMeta().map(m -> "version " + m.version() + " (" + m.shortHash() + ")").orElse("nothing yet"),
                status == null ? "" : ", status on http://" + statusHost + ":" + status.port() + "/status");
        out.flush();
        StatusServer statusServer = status;
        DaemonLifecycle.runUntilStopped(() -> {
            DaemonLifecycle.closeAll(statusServer, sub);
            out.println("subscriber: stopped");
            out.flush();
        }, why -> {
            out.println("subscriber: stopping (" + why + ")");
            out.flush();
        });
        return Main.OK;
    }
}
