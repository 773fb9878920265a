package dev.dbsync.core.internal.wire;

import dev.dbsync.api.ProtocolException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever the base and the new file, the {@code pages} encoding rebuilds the new file exactly
 * and sends exactly the pages the base lacks; whatever bytes a peer sends, each side fails only
 * with a {@link ProtocolException}.
 */
class PageDeltaProperties {
    private static final int PAGE = 512;

    /** Files made of pages drawn from a pool of distinct random pages. */
    private static byte[] pages(byte[][] pool, List<Integer> picks) {
        byte[] out = new byte[picks.size() * PAGE];
        for (int i = 0; i < picks.size(); i++) {
            System.arraycopy(pool[picks.get(i) % pool.length], 0, out, i * PAGE, PAGE);
        }
        return out;
    }

    @Property(tries = 60)
    void rebuildsTheNewFileExactlyFromTheBaseAndOnlyTheMissingPages(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(max = 30) Integer> basePicks,
            @ForAll @Size(min = 1, max = 40) List<@IntRange(max = 30) Integer> newPicks,
            @ForAll long seed) throws Exception {
        Random random = new Random(seed);
        byte[][] pool = new byte[31][PAGE];
        for (byte[] p : pool) {
            random.nextBytes(p);
        }
        byte[] base = pages(pool, basePicks);
        byte[] next = pages(pool, newPicks);
        Set<Integer> inBase = new HashSet<>(basePicks);
        long missing = newPicks.stream().filter(p -> !inBase.contains(p)).count();
        Path baseFile = Files.createTempFile("pages-base", ".db");
        ExecutorService pool2 = Executors.newSingleThreadExecutor();
        try (RandomAccessFile b = new RandomAccessFile(baseFile.toFile(), "rw")) {
            b.write(base);
            PipedInputStream toSubscriber = new PipedInputStream(1 << 16);
            PipedOutputStream publisherOut = new PipedOutputStream(toSubscriber);
            PipedInputStream toPublisher = new PipedInputStream(1 << 16);
            PipedOutputStream subscriberOut = new PipedOutputStream(toPublisher);
            Future<Long> sender = pool2.submit(() -> {
                try (publisherOut) {
                    return PageDelta.send(() -> new ByteArrayInputStream(next), next.length, PAGE, toPublisher,
                            publisherOut, 0);
                }
            });
            PageDeltaInputStream in = new PageDeltaInputStream(toSubscriber, subscriberOut, b, base.length, PAGE,
                    next.length, 0);
            assertThat(in.readAllBytes()).isEqualTo(next);
            assertThat(sender.get(20, TimeUnit.SECONDS)).isEqualTo(missing);
            assertThat(in.pagesReceived()).isEqualTo(missing);
        } finally {
            pool2.shutdownNow();
            Files.deleteIfExists(baseFile);
        }
    }

    @Property(tries = 200)
    void arbitraryPublisherBytesFailOnlyWithProtocolExceptions(@ForAll @Size(max = 3000) byte[] wire,
                                                               @ForAll @IntRange(min = 1, max = 4) int newPages)
            throws Exception {
        Path baseFile = Files.createTempFile("pages-base", ".db");
        try (RandomAccessFile b = new RandomAccessFile(baseFile.toFile(), "rw")) {
            byte[] base = new byte[3 * PAGE];
            new Random(newPages).nextBytes(base);
            b.write(base);
            try {
                byte[] out = new PageDeltaInputStream(new ByteArrayInputStream(wire), new ByteArrayOutputStream(), b,
                        base.length, PAGE, (long) newPages * PAGE, 0).readAllBytes();
                assertThat(out).hasSize(newPages * PAGE);
            } catch (ProtocolException expected) {
                // the only failure allowed
            }
        } finally {
            Files.deleteIfExists(baseFile);
        }
    }

    @Property(tries = 200)
    void arbitrarySubscriberBytesFailOnlyWithProtocolExceptions(@ForAll @Size(max = 40) byte[] reply,
                                                                @ForAll @IntRange(min = 1, max = 20) int pages)
            throws Exception {
        byte[] file = new byte[pages * PAGE];
        try {
            long sent = PageDelta.send(() -> new ByteArrayInputStream(file), file.length, PAGE,
                    new ByteArrayInputStream(reply), new ByteArrayOutputStream(), 0);
            assertThat(sent).isBetween(0L, (long) pages);
        } catch (ProtocolException expected) {
            // the only failure allowed
        }
    }
}
