package dev.dbsync.transport.kwik.internal;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;
import dev.dbsync.testkit.TestPki;
import dev.dbsync.transport.kwik.HashingPeer;
import dev.dbsync.transport.kwik.KwikTransport;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Quick measurement (not a test): kwik-to-kwik transfers of N MiB on loopback, R runs, the
 * median rate, and how many runs stalled (no progress for 20 s). Run with
 * {@code -Ddbsync.kwik.retriggerStalledSender=false} to see kwik's sender stall uncontained.
 *
 * <p>Usage: {@code KwikThroughput <MiB> <runs>}
 */
public final class KwikThroughput {
    private KwikThroughput() {
    }

    public static void main(String[] args) throws Exception {
        long size = Long.parseLong(args[0]) * 1024 * 1024;
        int runs = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("kwik-throughput");
        TestPki pki = TestPki.create(dir, "ca");
        TestPki.Issued s = pki.server("fo");
        KwikTransport kwik = new KwikTransport();
        TlsSettings client = TlsSettings.clientWithCa(pki.caFile());
        List<Double> rates = new ArrayList<>();
        int stalls = 0;
        try (TransportListener l = kwik.listen(new InetSocketAddress("127.0.0.1", 0), TlsSettings.server(s.certFile(), s.keyFile()),
                Set.of("t"), TransportOptions.defaults(), HashingPeer::answerWithHash)) {
            for (int i = 0; i < runs; i++) {
                AtomicLong written = new AtomicLong();
                long seed = i;
                long pokes = GuardedOutputStream.pokes();
                long start = System.nanoTime();
                TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), client, List.of("t"), TransportOptions.defaults());
                TransportStream st = c.openStream();
                CompletableFuture<String> done = CompletableFuture.supplyAsync(() -> send(st, size, seed, written));
                long last = -1;
                long lastChange = System.nanoTime();
                String outcome;
                while (true) {
                    try {
                        outcome = done.get(1, TimeUnit.SECONDS);
                        break;
                    } catch (java.util.concurrent.TimeoutException e) {
                        if (written.get() != last) {
                            last = written.get();
                            lastChange = System.nanoTime();
                        } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(20)) {
                            outcome = "STALLED at " + last + " bytes";
                            stalls++;
                            break;
                        }
                    }
                }
                c.close();
                double secs = (System.nanoTime() - start) / 1e9;
                if (outcome.startsWith("ok")) {
                    rates.add(size / 1e6 / secs);
                }
                System.out.printf("run %d: %s in %.1f s (%.1f MB/s), re-triggered %d%n", i + 1, outcome, secs,
                        size / 1e6 / secs, GuardedOutputStream.pokes() - pokes);
            }
        }
        Collections.sort(rates);
        System.out.printf("%d MiB x %d: median %.1f MB/s, %d stalled, retrigger=%s%n", size >> 20, runs,
                rates.isEmpty() ? 0 : rates.get(rates.size() / 2), stalls, GuardedOutputStream.RETRIGGER);
        System.exit(0);
    }

    private static String send(TransportStream st, long size, long seed, AtomicLong written) {
        try {
            SplittableRandom random = new SplittableRandom(seed);
            byte[] buf = new byte[64 * 1024];
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            OutputStream out = st.output();
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(buf.length, left);
                random.nextBytes(buf);
                md.update(buf, 0, n);
                out.write(buf, 0, n);
                written.addAndGet(n);
                left -= n;
            }
            out.close();
            String reply = new String(st.input().readAllBytes(), StandardCharsets.US_ASCII);
            String expected = size + " " + java.util.HexFormat.of().formatHex(md.digest());
            return reply.startsWith(expected) ? "ok" : "HASH MISMATCH " + reply;
        } catch (Exception e) {
            return "FAILED " + e;
        }
    }
}
