package dev.dbsync.transport.netty;

import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;

/**
 * Child-JVM program of {@link HeapBoundedTransferIT}: both ends of a transfer of N MiB in one
 * small-heap JVM, SHA-256 checked. Prints "OK" and exits 0 on success.
 */
public final class HeapBoundedTransfer {
    private HeapBoundedTransfer() {
    }

    /** @param args size in MiB */
    public static void main(String[] args) throws Exception {
        long size = Long.parseLong(args[0]) << 20;
        QuicFixture fx = new QuicFixture(Files.createTempDirectory("dbsync-heap"));
        NettyTransport netty = new NettyTransport();
        List<String> alpn = List.of("dbsync/1");
        String answer;
        try (TransportListener l = netty.listen(QuicFixture.LOOPBACK_ANY_PORT, fx.mutualServer(), Set.copyOf(alpn),
                TransportOptions.defaults(), QuicFixture::answerDigest);
             TransportConnection c = netty.dial(QuicFixture.endpoint(l.port()), fx.mutualClient(), alpn,
                     TransportOptions.defaults())) {
            answer = QuicFixture.sendAndReadAnswer(c.openStream(), size, 512);
        }
        String expected = QuicFixture.expectedAnswer(size, 512);
        if (!expected.equals(answer)) {
            System.out.println("MISMATCH expected " + expected + " got " + answer);
            System.exit(1);
        }
        System.out.println("OK " + answer + " maxHeap=" + (Runtime.getRuntime().maxMemory() >> 20) + "MiB");
        System.exit(0);
    }
}
