package dev.dbsync.it.adversarial;

import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.Target;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.DatabaseFileException;
import dev.dbsync.core.Publisher;
import dev.dbsync.core.Transports;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A back office in its own JVM, for crash tests: {@code PublisherProcess <source> <save> <ca>
 * [<cert> <key> <host:port>]} publishes table {@code t} of the source to no target, or with
 * mutual TLS to the one given. Prints {@code STARTED <version>} (the
 * version restored from the save path, 0 when none), then {@code PUBLISHED <version> <hash>}
 * each time a new snapshot is in place; runs until killed. When the save path is refused at
 * start (in use), prints {@code REFUSED <problem> <message>} and exits with 3.
 */
public final class PublisherProcess {
    private PublisherProcess() {
    }

    /** @param args source database, save path, CA file, and optionally certificate, key and target */
    public static void main(String[] args) throws Exception {
        boolean target = args.length > 5;
        Publisher p = Publisher.builder(Path.of(args[0]), FilterSpec.builder().fullTables("t").build(), Path.of(args[1]))
                .targets(target ? TargetProvider.of(Target.dbsync("fo", args[5])) : TargetProvider.of())
                .tls(target ? TlsSettings.mutualClient(Path.of(args[2]), Path.of(args[3]), Path.of(args[4]))
                        : TlsSettings.clientWithCa(Path.of(args[2])))
                .transport(Transports.named("netty")).watchInterval(Duration.ofMillis(20)).debounce(Duration.ZERO)
                .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).build();
        try {
            p.start();
        } catch (DatabaseFileException e) {
            System.out.println("REFUSED " + e.problem() + " " + e.getMessage());
            System.out.flush();
            System.exit(3);
        }
        long last = p.lastMeta().map(SnapshotMeta::version).orElse(0L);
        System.out.println("STARTED " + last);
        System.out.flush();
        while (true) {
            SnapshotMeta m = p.lastMeta().orElse(null);
            if (m != null && m.version() != last) {
                last = m.version();
                System.out.println("PUBLISHED " + m.version() + " " + m.hash());
                System.out.flush();
            }
            Thread.sleep(2);
        }
    }
}
