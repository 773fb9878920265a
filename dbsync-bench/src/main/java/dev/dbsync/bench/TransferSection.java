package dev.dbsync.bench;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.InboundStream;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;
import dev.dbsync.core.Transports;
import dev.dbsync.testkit.Payload;
import dev.dbsync.testkit.TestPki;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Section 2: one stream of a fixed size over loopback for every pair of QUIC transports, raw and
 * gzip, against JDK TLS 1.3 over TCP (the testkit's {@code tcp-test} transport) in the same mode.
 */
final class TransferSection {
    static final String KEY = "transfer";
    private static final String BASELINE = "tcp-test";
    private static final String ALPN = "dbsync/1";
    private static final long WARM_UP_BYTES = 8L << 20;
    private static final Duration STALL = Duration.ofSeconds(10);
    private static final TransportOptions OPTIONS = TransportOptions.builder()
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final BenchProfile profile;
    private final TlsSettings listenerTls;
    private final TlsSettings dialerTls;

    private TransferSection(BenchProfile profile, Path work) {
        this.profile = profile;
        TestPki pki = TestPki.create(work.resolve("transfer-pki"), "bench-ca");
        TestPki.Issued server = pki.server("fo");
        this.listenerTls = TlsSettings.server(server.certFile(), server.keyFile());
        this.dialerTls = TlsSettings.clientWithCa(pki.caFile());
    }

    /** What one transfer case gave: medians, or why there is none. */
    private record Outcome(double megabytesPerSecond, double cpuSecondsPerGigabyte, double wireFraction, String note) {
    }

    static void run(BenchProfile profile, Path work, BenchReport report) {
        report.section(KEY, "2. Transfer over loopback",
                String.format(Locale.ROOT, "One stream of %d MiB from dialer to listener on 127.0.0.1, server-only"
                        + " TLS 1.3; the listener reads to the end, checks SHA-256 and answers. Median of %d run(s) after an"
                        + " untimed warm-up transfer (up to 8 MiB) of the same pair. A run is bounded by %d s and a case stops"
                        + " starting runs once it used that long: slow pairs get fewer runs (stated per row). A run"
                        + " with no progress for 10 s is reported as stalled, with the bytes received.",
                        profile.transferBytes() >> 20, profile.transferRuns(), profile.transferTimeout().toSeconds()),
                "Payload: pseudo-random text of 16 letters (4 bits of entropy per byte), so gzip has work to do;"
                        + " **gzip** wraps the stream in `GZIPOutputStream` (level BEST_SPEED, as the publisher's"
                        + " compression) and `GZIPInputStream` at the two ends.",
                "MB/s = payload bytes (uncompressed) ÷ wall time, higher is better. CPU s/GB = process CPU time (both"
                        + " ends run in this JVM) per 10^9 payload bytes, lower is better.",
                "Baseline: JDK TLS 1.3 over TCP (`SSLSocket`, the testkit's `tcp-test` transport) in the same mode.");
        TransferSection s = new TransferSection(profile, work);
        List<String> names = new ArrayList<>();
        for (Transport t : Transports.all()) {
            if (t.isAvailable() && !t.name().equals(BASELINE)) {
                names.add(t.name());
            }
        }
        for (boolean gzip : new boolean[] {false, true}) {
            String mode = gzip ? "gzip" : "raw";
            Outcome base = s.measure(BASELINE, BASELINE, gzip);
            String baseName = "JDK TLS/TCP, " + mode;
            report.add(new Figure(KEY, baseName, "MB/s", base.megabytesPerSecond(), baseName,
                    base.megabytesPerSecond(), base.note()));
            for (String dialer : names) {
                for (String listener : names) {
                    Outcome o = s.measure(dialer, listener, gzip);
                    String subject = dialer + " → " + listener + ", " + mode;
                    report.add(new Figure(KEY, subject, "MB/s", o.megabytesPerSecond(), baseName,
                            base.megabytesPerSecond(), o.note()));
                    report.add(new Figure(KEY, subject, "CPU s/GB", o.cpuSecondsPerGigabyte(), baseName,
                            base.cpuSecondsPerGigabyte(), ""));
                }
            }
        }
    }

    private Outcome measure(String dialerName, String listenerName, boolean gzip) {
        List<double[]> runs = new ArrayList<>();
        String failure = "";
        double wire = Double.NaN;
        long caseStart = System.nanoTime();
        // run -1 is an untimed warm-up of this pair with a smaller payload; a run starts only while the
        // case has used less than one run's bound, so a slow pair gets fewer runs instead of more minutes
        for (int i = -1; i < profile.transferRuns() && failure.isEmpty(); i++) {
            if (i > 0 && System.nanoTime() - caseStart > profile.transferTimeout().toNanos()) {
                break;
            }
            long bytes = i < 0 ? Math.min(profile.transferBytes(), WARM_UP_BYTES) : profile.transferBytes();
            String run = i < 0 ? "warm-up run" : "run " + (i + 1);
            AtomicLong received = new AtomicLong();
            AtomicLong sentOnWire = new AtomicLong();
            Transport dialer = Transports.named(dialerName);
            Transport listener = Transports.named(listenerName);
            long seed = 31L * i + (dialerName + listenerName).hashCode();
            TransportListener l = null;
            TransportConnection c = null;
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            try {
                l = listener.listen(new InetSocketAddress("127.0.0.1", 0), listenerTls, Set.of(ALPN), OPTIONS,
                        stream -> answer(stream, gzip, received));
                c = dialer.dial(new Endpoint("127.0.0.1", l.port()), dialerTls, List.of(ALPN), OPTIONS);
                TransportConnection connection = c;
                cpu0 = processCpuNanos();
                t0 = System.nanoTime();
                String[] result = BoundedRun.watched(profile.transferTimeout(), STALL,
                        () -> received.get() + sentOnWire.get(), "transfer",
                        () -> send(connection.openStream(), bytes, seed, gzip, sentOnWire));
                double seconds = (System.nanoTime() - t0) / 1e9;
                double cpu = (processCpuNanos() - cpu0) / 1e9;
                if (!result[0].equals(result[1])) {
                    failure = "digest mismatch: sent " + result[0] + ", listener saw " + result[1];
                    break;
                }
                if (i < 0) {
                    continue;
                }
                runs.add(new double[] {bytes / 1e6 / seconds, cpu / (bytes / 1e9)});
                wire = (double) sentOnWire.get() / bytes;
                System.out.printf(Locale.ROOT, "transfer %s -> %s %s run %d: %.1f MB/s, %.1f CPU s/GB%n", dialerName,
                        listenerName, gzip ? "gzip" : "raw", i + 1, runs.get(runs.size() - 1)[0],
                        runs.get(runs.size() - 1)[1]);
            } catch (BoundedRun.Overrun e) {
                double seconds = e.elapsed().toNanos() / 1e9;
                if (e.stalled()) {
                    failure = String.format(Locale.ROOT, "%s stalled after %.1f MB of %.1f MB (no progress for %d s)",
                            run, received.get() / 1e6, bytes / 1e6, STALL.toSeconds());
                } else {
                    failure = String.format(Locale.ROOT, "%s reached its %d s bound after %.1f MB of %.1f MB", run,
                            profile.transferTimeout().toSeconds(), received.get() / 1e6, bytes / 1e6);
                    if (i >= 0 && received.get() > 0) {
                        // still moving: its rate so far is a fair (optimistic) figure
                        double cpu = (processCpuNanos() - cpu0) / 1e9;
                        runs.add(new double[] {received.get() / 1e6 / seconds, cpu / (received.get() / 1e9)});
                        failure += " (figure from that partial run)";
                    }
                }
            } catch (Exception e) {
                failure = String.format(Locale.ROOT, "%s failed after %.1f MB: %s", run, received.get() / 1e6, e);
            } finally {
                closeQuietly(c);
                closeQuietly(l);
            }
        }
        if (!failure.isEmpty()) {
            System.out.println("transfer " + dialerName + " -> " + listenerName + ": " + failure);
        }
        String note = runs.size() + " run(s)";
        if (gzip && !Double.isNaN(wire)) {
            note += String.format(Locale.ROOT, ", gzip sent %.0f%% of the bytes", wire * 100);
        }
        if (!failure.isEmpty()) {
            note = note + "; " + failure;
        }
        return new Outcome(median(runs, 0), median(runs, 1), wire, note);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            System.out.println("  (close: " + e + ")");
        }
    }

    static double median(List<double[]> runs, int index) {
        if (runs.isEmpty()) {
            return Double.NaN;
        }
        double[] v = runs.stream().mapToDouble(r -> r[index]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Dialer side: writes the payload, half-closes; returns {sent digest, listener's digest}. */
    private static String[] send(TransportStream stream, long size, long seed, boolean gzip, AtomicLong onWire)
            throws IOException {
        MessageDigest md = SourceDatabase.newSha256();
        OutputStream wire = new FilterOutputStream(stream.output()) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                onWire.addAndGet(len);
            }
        };
        try (OutputStream out = new Letters(new DigestOutputStream(gzip ? new FastGzip(wire) : wire, md))) {
            Payload.write(out, size, seed);
        }
        String answer = new String(stream.input().readAllBytes(), StandardCharsets.US_ASCII).strip();
        return new String[] {HexFormat.of().formatHex(md.digest()) + " " + size, answer};
    }

    /** Listener side: reads to the end (inflating with gzip), answers "sha256hex size". */
    private static void answer(InboundStream stream, boolean gzip, AtomicLong received) throws IOException {
        InputStream in = gzip ? new GZIPInputStream(stream.input(), 1 << 16) : stream.input();
        Payload.answerDigest(in, stream.output(), received::addAndGet);
    }

    /** gzip at the level the publisher uses ({@code Deflater.BEST_SPEED}, as core's payload writer). */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    /**
     * Maps each byte to one of 16 letters: {@link Payload}'s pseudo-random bytes become text with
     * 4 bits of entropy per byte, which gzip shrinks to a bit over half.
     */
    private static final class Letters extends FilterOutputStream {
        private final byte[] buf = new byte[1 << 16];

        Letters(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write('a' + (b & 15));
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int done = 0; done < len; ) {
                int n = Math.min(buf.length, len - done);
                for (int i = 0; i < n; i++) {
                    buf[i] = (byte) ('a' + (b[off + done + i] & 15));
                }
                out.write(buf, 0, n);
                done += n;
            }
        }
    }
}
