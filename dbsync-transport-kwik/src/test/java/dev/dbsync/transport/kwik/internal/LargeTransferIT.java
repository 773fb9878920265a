package dev.dbsync.transport.kwik.internal;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.StreamHandler;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;
import dev.dbsync.testkit.TestPki;
import dev.dbsync.transport.kwik.HashingPeer;
import dev.dbsync.transport.kwik.KwikTransport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Large kwik-to-kwik transfers: the sender-stall containment and backpressure. */
class LargeTransferIT {
    private static final Logger LOG = LoggerFactory.getLogger(LargeTransferIT.class);
    private static final long MIB = 1024 * 1024;
    private static final int RUNS = Integer.getInteger("dbsync.kwik.runs", 10);
    private static final long SIZE = Long.getLong("dbsync.kwik.sizeMiB", 64) * MIB;

    @TempDir
    static Path dir;
    static TlsSettings server;
    static TlsSettings client;

    private final Transport kwik = new KwikTransport();

    @BeforeAll
    static void pki() {
        TestPki pki = TestPki.create(dir, "ca");
        TestPki.Issued s = pki.server("fo");
        server = TlsSettings.server(s.certFile(), s.keyFile());
        client = TlsSettings.clientWithCa(pki.caFile());
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void repeatedLargeTransfersAllCompleteWithTheRightHash() throws Exception {
        TransportOptions options = TransportOptions.defaults();
        long pokesBefore = GuardedOutputStream.pokes();
        try (TransportListener l = kwik.listen(new InetSocketAddress("127.0.0.1", 0), server, Set.of("dbsync/1"),
                options, HashingPeer::answerWithHash)) {
            for (int i = 0; i < RUNS; i++) {
                long start = System.nanoTime();
                long pokes = GuardedOutputStream.pokes();
                try (TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), client, List.of("dbsync/1"), options);
                     TransportStream s = c.openStream()) {
                    String[] r = HashingPeer.sendAndReadReply(s, SIZE, 1000 + i);
                    assertThat(r[1]).startsWith(r[0] + " ");
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                LOG.info("run {}/{}: {} MiB in {} s ({} MB/s), sender re-triggered {} times", i + 1, RUNS, SIZE / MIB,
                        String.format("%.1f", seconds), String.format("%.1f", SIZE / 1e6 / seconds),
                        GuardedOutputStream.pokes() - pokes);
            }
        }
        LOG.info("{} x {} MiB done; sender re-triggered {} times in all", RUNS, SIZE / MIB,
                GuardedOutputStream.pokes() - pokesBefore);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aSlowReaderBlocksTheWriterInsteadOfMakingItBuffer() throws Exception {
        TransportOptions small = TransportOptions.builder().streamWindow(MIB).connectionWindow(2 * MIB).build();
        CountDownLatch startReading = new CountDownLatch(1);
        CompletableFuture<Long> received = new CompletableFuture<>();
        StreamHandler slow = st -> {
            startReading.await(60, TimeUnit.SECONDS);
            long n = st.input().transferTo(OutputStream.nullOutputStream());
            received.complete(n);
            st.output().write('k');
        };
        AtomicLong written = new AtomicLong();
        long total = 32 * MIB;
        try (TransportListener l = kwik.listen(new InetSocketAddress("127.0.0.1", 0), server, Set.of("dbsync/1"), small, slow);
             TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), client, List.of("dbsync/1"), small);
             TransportStream s = c.openStream()) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                byte[] buf = new byte[64 * 1024];
                try {
                    OutputStream out = s.output();
                    while (written.get() < total) {
                        out.write(buf);
                        written.addAndGet(buf.length);
                    }
                    out.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(3000);
            // flow-control window (1 MiB) + kwik's send buffer (50 KiB) + the write in progress
            assertThat(written.get()).isLessThan(2 * MIB);
            assertThat(writer).isNotDone();
            startReading.countDown();
            writer.get(90, TimeUnit.SECONDS);
            InputStream in = s.input();
            assertThat(in.read()).isEqualTo('k');
            assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(total);
        }
    }

    /**
     * The stall where nobody writes again: the last bytes are written, the stream closed, and the
     * writer waits for the answer. kwik's lost sender wake-up strands the tail of what was
     * written; {@link SenderKick}, run while the reader waits, sends it. Each exchange is a few
     * frames long (the race needs more than one frame pending) and is bounded: a stranded one
     * would wait for the 30 s idle timeout and fail the run.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shortExchangesEndingInAWaitForTheAnswerAllComplete() throws Exception {
        int exchanges = Integer.getInteger("dbsync.kwik.exchanges", 300);
        TransportOptions options = TransportOptions.defaults().toBuilder().idleTimeout(Duration.ofSeconds(30)).build();
        long kicksBefore = SenderKick.kicks();
        long slowest = 0;
        try (TransportListener l = kwik.listen(new InetSocketAddress("127.0.0.1", 0), server, Set.of("dbsync/1"),
                options, HashingPeer::answerWithHash);
             TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), client, List.of("dbsync/1"), options)) {
            for (int i = 0; i < exchanges; i++) {
                long start = System.nanoTime();
                try (TransportStream s = c.openStream()) {
                    String[] r = HashingPeer.sendAndReadReply(s, 6000 + 997L * (i % 20), i);
                    assertThat(r[1]).startsWith(r[0] + " ");
                }
                slowest = Math.max(slowest, System.nanoTime() - start);
            }
        }
        assertThat(SenderKick.available()).as("kicks reach kwik (" + SenderKick.ADD_OPENS + ")").isTrue();
        LOG.info("{} exchanges, slowest {} ms, kwik's sender kicked {} times", exchanges, slowest / 1_000_000,
                SenderKick.kicks() - kicksBefore);
    }
}
