package dev.dbsync.bench;

import java.time.Duration;
import java.util.List;

/**
 * The sizes and repetitions of one benchmark run. {@link #full()} is the documented run (under
 * 15 minutes on 2 cores), {@link #quick()} a short look, {@link #smoke()} what {@code verify}
 * runs so the harness cannot rot.
 *
 * @param name the profile's name, recorded in the report
 * @param production source sizes (MB) with the JMH single-shot iterations for each
 * @param jmhForks JMH forks (0 runs in this JVM)
 * @param transferBytes bytes per transfer
 * @param transferRuns runs per transfer case (the median is reported)
 * @param transferTimeout bound of one transfer; past it the run is reported as stalled
 * @param lag published snapshot sizes with the commits measured for each
 * @param fanOutBytes the fan-out snapshot's size
 * @param fanOutSubscribers the subscriber counts N
 * @param memoryBytes the memory section's snapshot size
 * @param memorySubscribers subscribers (each in its own JVM) in the memory section
 * @param publisherHeap {@code -Xmx} of the publisher JVM
 * @param subscriberHeap {@code -Xmx} of each subscriber JVM
 */
record BenchProfile(String name, List<Sized> production, int jmhForks, long transferBytes, int transferRuns,
                    Duration transferTimeout, List<Sized> lag, long fanOutBytes, List<Integer> fanOutSubscribers,
                    long memoryBytes, int memorySubscribers, String publisherHeap, String subscriberHeap) {

    /**
     * A size with a repetition count.
     *
     * @param bytes the size
     * @param runs how many times it is measured
     */
    record Sized(long bytes, int runs) {
    }

    private static final long MB = 1_000_000L;
    private static final long MIB = 1L << 20;

    static BenchProfile full() {
        return new BenchProfile("full", List.of(new Sized(50 * MB, 3), new Sized(200 * MB, 3), new Sized(1000 * MB, 1)),
                1, 256 * MIB, 3, Duration.ofSeconds(30), List.of(new Sized(MIB, 50), new Sized(10 * MIB, 100)),
                100 * MIB, List.of(1, 8, 32), 512 * MIB, 8, "96m", "128m");
    }

    static BenchProfile quick() {
        return new BenchProfile("quick", List.of(new Sized(20 * MB, 3), new Sized(50 * MB, 2)), 1, 64 * MIB, 1,
                Duration.ofSeconds(20), List.of(new Sized(MIB, 20), new Sized(10 * MIB, 5)), 20 * MIB,
                List.of(1, 8, 32), 128 * MIB, 8, "96m", "128m");
    }

    static BenchProfile smoke() {
        return new BenchProfile("smoke", List.of(new Sized(MB, 1)), 0, MIB, 1, Duration.ofSeconds(20),
                List.of(new Sized(256 * 1024, 3)), MIB, List.of(1, 2), 2 * MIB, 2, "96m", "128m");
    }

    /**
     * @param n subscribers in the memory section
     * @return this profile with that count
     */
    BenchProfile withMemorySubscribers(int n) {
        return new BenchProfile(name, production, jmhForks, transferBytes, transferRuns, transferTimeout, lag,
                fanOutBytes, fanOutSubscribers, memoryBytes, n, publisherHeap, subscriberHeap);
    }

    static BenchProfile named(String name) {
        return switch (name) {
            case "full" -> full();
            case "quick" -> quick();
            case "smoke" -> smoke();
            default -> throw new IllegalArgumentException("unknown profile " + name + " (full, quick, smoke)");
        };
    }
}
