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
                        + " (`-Xmx%s`) to %d subscribers that all run in one other JVM (`-Xmx%s`), netty QUIC on"
                        + " loopback; both JVMs are children of the harness.",
                        LagSection.mib(bytes), profile.publisherHeap(), n, profile.subscriberHeap()),
                "Peak heap = the sum of every heap pool's peak usage (`MemoryPoolMXBean`), an upper bound of the"
                        + " real peak, read when the delivery is complete. The note gives the largest heap left after"
                        + " a garbage collection (GC notifications): the live set.",
                "Baseline: the snapshot's size. A ratio far below 1 shows nothing holds the snapshot in memory.");
        Path dir = work.resolve("memory");
        Files.createDirectories(dir);
        Path source = dir.resolve("bo.db");
        SourceDatabase.generatePublishedBlobs(source, bytes);
        LoopbackReplication rig = LoopbackReplication.create(dir.resolve("pki"), "netty");
        Child subs = null;
        Child pub = null;
        try {
            List<String> subArgs = new ArrayList<>(List.of("subscribers", dir.toString(), String.valueOf(n)));
            subArgs.addAll(rig.args());
            subs = start(profile.subscriberHeap(), subArgs, dir.resolve("subscribers.log"));
            String[] ports = expect(subs.line(START), "PORTS");
            long timeout = 60 + n * bytes / 5_000_000L;
            List<String> args = new ArrayList<>(List.of("publisher", source.toString(),
                    dir.resolve("public.db").toString(), String.valueOf(timeout)));
            args.addAll(rig.args());
            args.addAll(List.of(ports).subList(1, ports.length));
            pub = start(profile.publisherHeap(), args, dir.resolve("publisher.log"));
            String[] p = pub.line(Duration.ofSeconds(timeout + 60)).split(" ");
            double pubPeak;
            String note;
            long size;
            if (p[0].equals("DELIVERED")) {
                size = Long.parseLong(p[2]);
                pubPeak = Long.parseLong(p[4]) / 1e6;
                note = String.format(Locale.ROOT, "-Xmx%s; live after GC at most %.1f MB; delivered to %d subscribers"
                        + " in %.1f s (%.0f MB/s in total)", profile.publisherHeap(), Long.parseLong(p[6]) / 1e6, n,
                        Double.parseDouble(p[1]), n * size / 1e6 / Double.parseDouble(p[1]));
            } else {
                size = bytes;
                pubPeak = Double.NaN;
                note = "not delivered within " + timeout + " s (peak so far " + Long.parseLong(p[2]) / 1_000_000 + " MB)";
            }
            try (OutputStream in = subs.process().getOutputStream()) {
                in.write("stop\n".getBytes(StandardCharsets.US_ASCII));
            }
            String[] a = expect(subs.line(Duration.ofSeconds(30)), "PEAK");
            double subPeak = Long.parseLong(a[1]) / 1e6;
            long serving = Long.parseLong(a[5]);
            String snapshot = String.format(Locale.ROOT, "snapshot (%.1f MB)", size / 1e6);
            report.add(new Figure(KEY, "publisher peak heap", "MB", pubPeak, snapshot, size / 1e6, note));
            report.add(new Figure(KEY, "subscriber JVM peak heap (" + n + " subscribers)", "MB", subPeak, snapshot,
                    size / 1e6, String.format(Locale.ROOT, "-Xmx%s; live after GC at most %.1f MB; %d of %d serve the"
                            + " snapshot", profile.subscriberHeap(), Long.parseLong(a[3]) / 1e6, serving, n)));
        } catch (Exception e) {
            report.add(new Figure(KEY, "publisher and subscriber peak heap", "MB", Double.NaN, "snapshot",
                    bytes / 1e6, "failed: " + e + " (logs in " + dir + ")"));
            return;
        } finally {
            if (pub != null) {
                pub.process().destroyForcibly();
            }
            if (subs != null) {
                subs.process().destroyForcibly();
            }
        }
        BenchHarness.deleteTree(dir);
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
