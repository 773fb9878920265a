package dev.dbsync.transport.netty;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Quick loopback throughput figures (not a benchmark, not a test): moves N MiB of random bytes
 * netty→netty over QUIC and over JDK TLS 1.3 on TCP, and prints MB/s (1e6 B/s) measured from
 * the first byte sent to the receiver's answer, median of the runs.
 *
 * <pre>
 * java -cp "$(cat cp.txt):target/classes:target/test-classes" dev.dbsync.transport.netty.ThroughputProbe 256 3
 * </pre>
 */
public final class ThroughputProbe {
    private ThroughputProbe() {
    }

    /** @param args size in MiB (default 256), runs (default 3) */
    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long size = (long) mib << 20;
        Path dir = Files.createTempDirectory("dbsync-throughput");
        QuicFixture fx = new QuicFixture(dir);
        byte[] block = new byte[1 << 20];
        new Random(42).nextBytes(block);
        List<Double> quic = new ArrayList<>();
        List<Double> tcp = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            quic.add(netty(fx, size, block));
            tcp.add(tlsTcp(fx, size, block));
            System.out.printf("run %d: netty->netty %.1f MB/s, JDK TLS 1.3/TCP %.1f MB/s%n", i + 1,
                    quic.get(i), tcp.get(i));
        }
        System.out.printf("%d MiB, median of %d: netty->netty %.1f MB/s, JDK TLS 1.3/TCP %.1f MB/s (%.0f%%)%n",
                mib, runs, median(quic), median(tcp), 100 * median(quic) / median(tcp));
    }

    private static double netty(QuicFixture fx, long size, byte[] block) throws Exception {
        NettyTransport netty = new NettyTransport();
        List<String> alpn = List.of("bench/1");
        try (TransportListener l = netty.listen(QuicFixture.LOOPBACK_ANY_PORT, fx.serverOnly(), Set.copyOf(alpn),
                TransportOptions.defaults(), s -> {
                    long n = drain(s.input());
                    try (DataOutputStream out = new DataOutputStream(s.output())) {
                        out.writeLong(n);
                    }
                });
             TransportConnection c = netty.dial(QuicFixture.endpoint(l.port()), fx.pinnedClient(), alpn,
                     TransportOptions.defaults());
             TransportStream s = c.openStream()) {
            long start = System.nanoTime();
            try (OutputStream out = s.output()) {
                send(out, size, block);
            }
            long got = new DataInputStream(s.input()).readLong();
            return rate(size, got, start);
        }
    }

    private static double tlsTcp(QuicFixture fx, long size, byte[] block) throws Exception {
        TlsSettings server = fx.serverOnly();
        SSLContext sctx = SSLContext.getInstance("TLSv1.3");
        sctx.init(server.keyManagerFactory().getKeyManagers(), null, null);
        SSLContext cctx = SSLContext.getInstance("TLSv1.3");
        cctx.init(null, fx.pinnedClient().trustManagerFactory().getTrustManagers(), null);
        try (SSLServerSocket ss = (SSLServerSocket) sctx.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ss.setEnabledProtocols(new String[] {"TLSv1.3"});
            Thread acceptor = new Thread(() -> {
                try (SSLSocket a = (SSLSocket) ss.accept()) {
                    long n = drain(a.getInputStream());
                    new DataOutputStream(a.getOutputStream()).writeLong(n);
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }, "tls-receiver");
            acceptor.start();
            try (SSLSocket c = (SSLSocket) cctx.getSocketFactory().createSocket("127.0.0.1", ss.getLocalPort())) {
                c.setEnabledProtocols(new String[] {"TLSv1.3"});
                c.startHandshake();
                long start = System.nanoTime();
                OutputStream out = c.getOutputStream();
                send(out, size, block);
                out.flush();
                c.shutdownOutput();
                long got = new DataInputStream(c.getInputStream()).readLong();
                double r = rate(size, got, start);
                acceptor.join(10_000);
                return r;
            }
        }
    }

    private static void send(OutputStream out, long size, byte[] block) throws Exception {
        for (long left = size; left > 0; left -= block.length) {
            out.write(block, 0, (int) Math.min(block.length, left));
        }
    }

    private static long drain(InputStream in) throws java.io.IOException {
        byte[] buf = new byte[256 << 10];
        long n = 0;
        int k;
        while ((k = in.read(buf)) >= 0) {
            n += k;
        }
        return n;
    }

    private static double rate(long size, long got, long start) {
        if (got != size) {
            throw new IllegalStateException("receiver got " + got + " of " + size + " bytes");
        }
        return size / ((System.nanoTime() - start) / 1e9) / 1e6;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
