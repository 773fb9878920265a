package dev.dbsync.it.adversarial;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.DatabaseFileException;
import dev.dbsync.core.Subscriber;
import dev.dbsync.core.Transports;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * A front office in its own JVM, for crash and disk tests: {@code SubscriberProcess <db> <cert>
 * <key> <ca> [port]}. Prints {@code SERVING <version> <hash>} after recovery, then {@code LISTENING
 * <port>}, then {@code SWAPPED <version>} after each swap; runs until killed. When the database
 * file is refused at start, prints {@code REFUSED <problem> <message>} and exits with 3.
 */
public final class SubscriberProcess {
    private SubscriberProcess() {
    }

    /** @param args database, certificate, key, client CA, and optionally the port (default: any) */
    public static void main(String[] args) throws Exception {
        int port = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        Subscriber s = Subscriber.builder().dbPath(Path.of(args[0])).listen(new InetSocketAddress("127.0.0.1", port))
                .tls(TlsSettings.mutualServer(Path.of(args[1]), Path.of(args[2]), Path.of(args[3])))
                .transport(Transports.named("netty")).minFreeSpace(0).build();
        s.onSwap(() -> System.out.println("SWAPPED " + s.version()));
        try {
            s.start();
        } catch (DatabaseFileException e) {
            System.out.println("REFUSED " + e.problem() + " " + e.getMessage());
            System.out.flush();
            System.exit(3);
        }
        System.out.println("SERVING " + s.version() + " " + s.servedMeta().map(m -> m.hash()).orElse("-"));
        System.out.println("LISTENING " + s.localAddress().getPort());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
