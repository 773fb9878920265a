package dev.dbsync.cli;

import dev.dbsync.testkit.TestPki;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code dbsync gencerts}: a development CA with a server and a client certificate, as PEM. */
@Command(name = "gencerts", mixinStandardHelpOptions = true,
        description = "Writes a development CA (ca.pem), a server certificate (server.pem, server.key) and a client "
                + "certificate (client.pem, client.key) as PEM. For development and tests only: use your own CA "
                + "in production.")
final class GencertsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write the files to.")
    Path out;

    @Option(names = "--host", defaultValue = "localhost", paramLabel = "NAME",
            description = "DNS name of the server certificate (default: ${DEFAULT-VALUE}, which also covers 127.0.0.1 and ::1).")
    String host;

    @Option(names = "--force", description = "Overwrite existing files.")
    boolean force;

    @Override
    public Integer call() {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ConfigurationException("--out " + out + ": not a directory");
        }
        if (!force) {
            for (String f : new String[] {"ca.pem", "server.pem", "server.key", "client.pem", "client.key"}) {
                if (Files.exists(out.resolve(f))) {
                    throw new ConfigurationException("--out " + out + ": " + f + " exists (use --force to overwrite)");
                }
            }
        }
        PrintWriter w = spec.commandLine().getOut();
        Written certs = write(out, host);
        w.println("CA                  " + certs.ca());
        w.println("server certificate  " + certs.server().certFile() + " (key " + certs.server().keyFile() + ")");
        w.println("client certificate  " + certs.client().certFile() + " (key " + certs.client().keyFile() + ")");
        w.flush();
        return Main.OK;
    }

    /** The files of a development PKI. */
    record Written(Path ca, TestPki.Issued server, TestPki.Issued client) {
    }

    static Written write(Path dir, String host) {
        TestPki pki = TestPki.create(dir, "ca");
        TestPki.Issued server = "localhost".equals(host) ? pki.server("server")
                : pki.issue("server", true, TestPki.KeyType.EC, Instant.now().minus(Duration.ofHours(1)),
                        Duration.ofDays(825), host);
        TestPki.Issued client = pki.client("client");
        return new Written(pki.caFile(), server, client);
    }
}
