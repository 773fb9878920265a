package dev.dbsync.core;

import dev.dbsync.core.internal.subscriber.SwapAwareDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Readers keep working, and see whole snapshots, while snapshots are swapped under them. */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class SubscriberReadersSuite extends SubscriberContract {
    private static final int READERS = 8;
    private static final int SWAPS = 100;

    @Test
    void eightReadersAcross100SwapsSeeNoFailureAndOnlyWholeVersions() throws Exception {
        Subscriber s = start();
        push(s, snapshot(1));
        List<Snap> snaps = new ArrayList<>();
        for (int v = 2; v <= SWAPS + 1; v++) {
            snaps.add(snapshot(v));
        }
        DataSource ds = s.db().orElseThrow();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong queries = new AtomicLong();
        AtomicLong heldAcrossSwaps = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(READERS);
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            int id = r;
            Thread t = new Thread(() -> {
                try {
                    long lastSeen = 0;
                    while (!stop.get()) {
                        // odd readers hold their connection for several queries, across swaps
                        int uses = id % 2 == 1 ? 20 : 1;
                        try (Connection c = ds.getConnection()) {
                            long first = Snapshots.wholeVersion(c);
                            for (int i = 1; i < uses && !stop.get(); i++) {
                                long again = Snapshots.wholeVersion(c);
                                if (again != first) {
                                    throw new AssertionError("a borrowed connection changed version " + first
                                            + " -> " + again);
                                }
                                if (s.version() > first) {
                                    heldAcrossSwaps.incrementAndGet();
                                }
                                queries.incrementAndGet();
                                Thread.sleep(1);
                            }
                            if (first < lastSeen) {
                                throw new AssertionError("a new connection saw version " + first + " after " + lastSeen);
                            }
                            lastSeen = first;
                            queries.incrementAndGet();
                        }
                        // query continuously, but leave the two shared cores to the swaps too
                        Thread.sleep(1);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                } finally {
                    done.countDown();
                }
            }, "reader-" + r);
            t.start();
            threads.add(t);
        }
        try {
            SnapshotPusher pusher = pusher(false);
            for (Snap snap : snaps) {
                pusher.push(endpoint(s), snap.meta(), snap.file());
                assertThat(s.version()).isEqualTo(snap.meta().version());
            }
        } finally {
            stop.set(true);
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(failures).isEmpty();
        assertThat(queries.get()).isGreaterThan(SWAPS);
        assertThat(heldAcrossSwaps.get()).as("queries on connections borrowed before a swap").isPositive();
        try (Connection c = ds.getConnection()) {
            assertThat(Snapshots.wholeVersion(c)).isEqualTo(SWAPS + 1);
        }
        SwapAwareDataSource pool = ds.unwrap(SwapAwareDataSource.class);
        assertThat(pool.generation()).isEqualTo(SWAPS + 1);
        assertThat(pool.openConnections()).isLessThanOrEqualTo(READERS + 1);
        assertThat(deletedFilesStillOpen()).as("old snapshot files held open after their readers closed").isZero();
    }

    /** Counts this process's file descriptors on deleted files of this test's directory (Linux). */
    private long deletedFilesStillOpen() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return 0;
        }
        String prefix = db.getParent().toString();
        try (Stream<Path> s = Files.list(fds)) {
            return s.map(p -> {
                try {
                    return Files.readSymbolicLink(p).toString();
                } catch (Exception e) {
                    return "";
                }
            }).filter(t -> t.startsWith(prefix) && t.endsWith("(deleted)")).count();
        }
    }
}
