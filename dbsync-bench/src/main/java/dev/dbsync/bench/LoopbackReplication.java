package dev.dbsync.bench;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.Target;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.core.Publisher;
import dev.dbsync.core.Subscriber;
import dev.dbsync.core.Transports;
import dev.dbsync.testkit.TestPki;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishers and subscribers on 127.0.0.1 with certificates from one development CA (server-only
 * TLS), over one named transport. The certificates live in files, so child JVMs can use them.
 */
final class LoopbackReplication {
    static final long MAX_SNAPSHOT = 2L << 30;

    private final Path caFile;
    private final Path certFile;
    private final Path keyFile;
    private final String transport;

    LoopbackReplication(Path caFile, Path certFile, Path keyFile, String transport) {
        this.caFile = caFile;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.transport = transport;
    }

    /** Creates a CA and a front-office certificate under {@code dir}. */
    static LoopbackReplication create(Path dir, String transport) {
        TestPki pki = TestPki.create(dir, "bench-ca");
        TestPki.Issued fo = pki.server("fo");
        return new LoopbackReplication(pki.caFile(), fo.certFile(), fo.keyFile(), transport);
    }

    /** @return the arguments {@link #fromArgs} reads back */
    List<String> args() {
        return List.of(caFile.toString(), certFile.toString(), keyFile.toString(), transport);
    }

    static LoopbackReplication fromArgs(List<String> a) {
        return new LoopbackReplication(Path.of(a.get(0)), Path.of(a.get(1)), Path.of(a.get(2)), a.get(3));
    }

    /** @return a started subscriber serving {@code db}, listening on an ephemeral loopback port */
    Subscriber subscriber(Path db) {
        return Subscriber.builder().dbPath(db).listen(new InetSocketAddress("127.0.0.1", 0))
                .tls(TlsSettings.server(certFile, keyFile)).transport(Transports.named(transport))
                .maxSnapshotSize(MAX_SNAPSHOT).build().start();
    }

    /** @return a publisher (not started) delivering to the loopback ports given */
    Publisher publisher(Path source, FilterSpec spec, Path save, List<Integer> ports) {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            targets.add(Target.dbsync("fo-" + i, "127.0.0.1:" + ports.get(i)));
        }
        return Publisher.builder(source, spec, save).targets(TargetProvider.of(targets.toArray(Target[]::new)))
                .tls(TlsSettings.clientWithCa(caFile)).transport(Transports.named(transport)).build();
    }
}
