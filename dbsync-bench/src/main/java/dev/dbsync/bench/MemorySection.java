package dev.dbsync.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Section 5: peak heap of a publisher and of subscribers, each in its own JVM with a small
 * {@code -Xmx}, while one snapshot much larger than those heaps goes to every subscriber.
 */
final class MemorySection {
    static final String KEY = "memory";
    private static final Duration START = Duration.ofSeconds(60);

    private MemorySection() {
    }

    /** A child JVM and its stdout. */
    private record Child(Process process, BufferedReader out) {
        String line(Duration timeout) throws Exception {
            String l = BoundedRun.within(timeout, "memory-read", out::readLine);
            if (l == null) {
                throw new IOException("child JVM ended without answering (exit " + process.waitFor() + ")");
            }
            return l;
        }
    }

    static void run(BenchProfile profile, Path work, BenchReport report) throws Exception {
        long bytes = profile.memoryBytes();
        int n = profile.memorySubscribers();
        report.section(KEY, "5. Memory",
                String.format(Locale.ROOT, "A %s snapshot (random 4000-byte blobs) from one publisher JVM"
                        + " (`-Xmx%s`) to %d subscriber JVMs (`-Xmx%s` each), netty QUIC on loopback.",
                        LagSection.mib(bytes), profile.publisherHeap(), n, profile.subscriberHeap()),
                "Peak heap = the sum of every heap pool's peak usage (`MemoryPoolMXBean`), an upper bound of the"
                        + " real peak; for subscribers the largest of the " + n + ".",
                "Baseline: the snapshot's size. A ratio far below 1 shows nothing holds the snapshot in memory.");
        Path dir = work.resolve("memory");
        Files.createDirectories(dir);
        Path source = dir.resolve("bo.db");
        SourceDatabase.generatePublishedBlobs(source, bytes);
        LoopbackReplication rig = LoopbackReplication.create(dir.resolve("pki"), "netty");
        List<Child> subs = new ArrayList<>();
        Child pub = null;
        try {
            List<String> ports = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                List<String> args = new ArrayList<>(List.of("subscriber", dir.resolve("fo-" + i + ".db").toString()));
                args.addAll(rig.args());
                subs.add(start(profile.subscriberHeap(), args, dir.resolve("subscriber-" + i + ".log")));
            }
            for (Child s : subs) {
                ports.add(expect(s.line(START), "PORT")[1]);
            }
            long timeout = 60 + n * bytes / 5_000_000L;
            List<String> args = new ArrayList<>(List.of("publisher", source.toString(),
                    dir.resolve("public.db").toString(), String.valueOf(timeout)));
            args.addAll(rig.args());
            args.addAll(ports);
            pub = start(profile.publisherHeap(), args, dir.resolve("publisher.log"));
            String[] p = pub.line(Duration.ofSeconds(timeout + 60)).split(" ");
            double pubPeak;
            String note;
            long size;
            if (p[0].equals("DELIVERED")) {
                size = Long.parseLong(p[2]);
                pubPeak = Long.parseLong(p[4]) / 1e6;
                note = String.format(Locale.ROOT, "delivered to %d subscribers in %.1f s; -Xmx%s", n,
                        Double.parseDouble(p[1]), profile.publisherHeap());
            } else {
                size = bytes;
                pubPeak = Double.NaN;
                note = "not delivered within " + timeout + " s (peak so far " + Long.parseLong(p[2]) / 1_000_000 + " MB)";
            }
            double subPeak = 0;
            long minVersion = Long.MAX_VALUE;
            for (Child s : subs) {
                try (OutputStream in = s.process().getOutputStream()) {
                    in.write("stop\n".getBytes(StandardCharsets.US_ASCII));
                }
                String[] a = expect(s.line(Duration.ofSeconds(30)), "PEAK");
                subPeak = Math.max(subPeak, Long.parseLong(a[1]) / 1e6);
                minVersion = Math.min(minVersion, Long.parseLong(a[3]));
            }
            String snapshot = String.format(Locale.ROOT, "snapshot (%.1f MB)", size / 1e6);
            report.add(new Figure(KEY, "publisher peak heap", "MB", pubPeak, snapshot, size / 1e6, note));
            report.add(new Figure(KEY, "subscriber peak heap (largest of " + n + ")", "MB", subPeak, snapshot,
                    size / 1e6, "-Xmx" + profile.subscriberHeap() + (minVersion > 0 ? "; every subscriber served it"
                            : "; a subscriber served nothing")));
        } catch (Exception e) {
            report.add(new Figure(KEY, "publisher and subscriber peak heap", "MB", Double.NaN, "snapshot",
                    bytes / 1e6, "failed: " + e + " (logs in " + dir + ")"));
            return;
        } finally {
            if (pub != null) {
                pub.process().destroyForcibly();
            }
            for (Child s : subs) {
                s.process().destroyForcibly();
            }
        }
        ProductionSection.deleteTree(dir);
    }

    private static String[] expect(String line, String word) throws IOException {
        String[] a = line.split(" ");
        if (!a[0].equals(word)) {
            throw new IOException("child JVM said '" + line + "', expected " + word);
        }
        return a;
    }

    private static Child start(String heap, List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-cp", System.getProperty("java.class.path")));
        String level = System.getProperty("org.slf4j.simpleLogger.defaultLogLevel");
        if (level != null) {
            cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + level);
        }
        cmd.add(MemoryChild.class.getName());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        return new Child(p, new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)));
    }
}
