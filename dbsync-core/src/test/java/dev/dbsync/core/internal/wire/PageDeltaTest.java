package dev.dbsync.core.internal.wire;

import dev.dbsync.api.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.RandomAccessFile;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The {@code pages} encoding between real SQLite files: the rebuilt file is byte for byte the
 * new snapshot, only changed pages cross, and every malformed step is refused.
 */
class PageDeltaTest {
    @TempDir
    Path dir;

    /** A database of {@code rows} 300-byte rows in two tables, built the same way every time. */
    private Path database(String name, int rows, int pageSize, String... extra) throws Exception {
        Path p = dir.resolve(name);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + p); Statement s = c.createStatement()) {
            s.execute("PRAGMA page_size = " + pageSize);
            s.execute("PRAGMA journal_mode = OFF");
            s.execute("CREATE TABLE a(id INTEGER PRIMARY KEY, body TEXT)");
            s.execute("CREATE TABLE b(id INTEGER PRIMARY KEY, body TEXT)");
            s.execute("BEGIN");
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows
                    + ") INSERT INTO a SELECT i, printf('%.300d', i * 7919) FROM n");
            s.execute("INSERT INTO b SELECT id, body FROM a");
            for (String sql : extra) {
                s.execute(sql);
            }
            s.execute("COMMIT");
        }
        return p;
    }

    /** Runs both sides over pipes; returns the rebuilt bytes and the pages sent. */
    private record Result(byte[] rebuilt, long sent) {
    }

    private Result transfer(Path base, Path next) throws Exception {
        long size = Files.size(next);
        int pageSize;
        try (InputStream in = Files.newInputStream(next)) {
            pageSize = PageDelta.usablePageSize(in, size);
        }
        assertThat(pageSize).isPositive();
        PipedInputStream toSubscriber = new PipedInputStream(1 << 16);
        PipedOutputStream publisherOut = new PipedOutputStream(toSubscriber);
        PipedInputStream toPublisher = new PipedInputStream(1 << 16);
        PipedOutputStream subscriberOut = new PipedOutputStream(toPublisher);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (RandomAccessFile b = new RandomAccessFile(base.toFile(), "r")) {
            int ps = pageSize;
            Future<Long> sender = pool.submit(() -> {
                try (publisherOut) {
                    return PageDelta.send(() -> Files.newInputStream(next), size, ps, toPublisher, publisherOut, 0);
                }
            });
            PageDeltaInputStream rebuilt = new PageDeltaInputStream(toSubscriber, subscriberOut, b, b.length(),
                    pageSize, size, 0);
            byte[] bytes = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> rebuilt.readAllBytes());
            long sent = sender.get(20, TimeUnit.SECONDS);
            assertThat(rebuilt.pagesReceived()).isEqualTo(sent);
            return new Result(bytes, sent);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSmallChangeCrossesAsAFewPagesAndRebuildsTheSnapshotExactly() throws Exception {
        Path v1 = database("v1.db", 4000, 4096);
        // one row changed in the first table: every page of the second table moves or stays put
        Path v2 = database("v2.db", 4000, 4096, "UPDATE a SET body = 'changed' WHERE id = 17",
                "INSERT INTO a VALUES (100000, 'new row')");
        Result r = transfer(v1, v2);
        assertThat(r.rebuilt()).isEqualTo(Files.readAllBytes(v2));
        long pages = Files.size(v2) / 4096;
        assertThat(pages).isGreaterThan(500);
        assertThat(r.sent()).isPositive().isLessThan(pages / 20);
    }

    @Test
    void pagesThatMovedAreCopiedFromWhereTheBaseHasThem() throws Exception {
        // rows inserted before the rest: the second table's pages shift by whole pages
        Path v1 = database("v1.db", 3000, 1024);
        Path v2 = database("v2.db", 3000, 1024, "INSERT INTO a SELECT id + 10000, body FROM a WHERE id <= 200");
        Result r = transfer(v1, v2);
        assertThat(r.rebuilt()).isEqualTo(Files.readAllBytes(v2));
        long pages = Files.size(v2) / 1024;
        assertThat(r.sent()).isLessThan(pages / 4);
    }

    @Test
    void anUnrelatedBaseMeansEveryPageIsSent() throws Exception {
        Path other = database("other.db", 10, 4096);
        Files.write(other, new byte[(int) Files.size(other)]);
        Path v2 = database("v2.db", 500, 4096);
        Result r = transfer(other, v2);
        assertThat(r.rebuilt()).isEqualTo(Files.readAllBytes(v2));
        assertThat(r.sent()).isEqualTo(Files.size(v2) / 4096);
    }

    @Test
    void onlyWholeSqliteFilesOfBoundedPageCountsQualify() throws Exception {
        Path db = database("v1.db", 100, 2048);
        byte[] header = Arrays.copyOf(Files.readAllBytes(db), 100);
        long size = Files.size(db);
        assertThat(PageDelta.usablePageSize(header, size)).isEqualTo(2048);
        assertThat(PageDelta.usablePageSize(header, size + 1)).isZero();
        assertThat(PageDelta.usablePageSize(header, 2048L * (PageDelta.MAX_PAGES + 1))).isZero();
        assertThat(PageDelta.usablePageSize(Arrays.copyOf(header, 50), size)).isZero();
        byte[] notSqlite = header.clone();
        notSqlite[0] = 'X';
        assertThat(PageDelta.usablePageSize(notSqlite, size)).isZero();
        byte[] badSize = header.clone();
        badSize[16] = 0;
        badSize[17] = 100;
        assertThat(PageDelta.usablePageSize(badSize, size)).isZero();
    }

    private static byte[] frame(String tag, byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        V2Frame.write(out, tag, body);
        return out.toByteArray();
    }

    @Test
    void thePublisherRefusesANeedFrameOfTheWrongShape() throws Exception {
        Path db = database("v1.db", 50, 1024);
        long size = Files.size(db);
        long pages = size / 1024;
        int len = PageDelta.bitmapLength(pages);
        assertThat(pages % 8).as("the fixture leaves spare bits in the last byte").isNotZero();
        byte[] tooShort = frame(PageDelta.NEED, new byte[len - 1]);
        byte[] spare = new byte[len];
        spare[len - 1] = 1;
        for (byte[] need : new byte[][] {tooShort, frame(PageDelta.NEED, spare), frame("ACK2", new byte[len]),
                frame(PageDelta.NEED, new byte[len + 1])}) {
            assertThatThrownBy(() -> PageDelta.send(() -> Files.newInputStream(db), size, 1024,
                    new ByteArrayInputStream(need), new ByteArrayOutputStream(), 0))
                    .isInstanceOf(ProtocolException.class);
        }
    }

    @Test
    void theSubscriberRefusesTruncatedDigestsMissingPagesAndTrailingBytes() throws Exception {
        Path base = database("v1.db", 50, 1024);
        long size = Files.size(base);
        long pages = size / 1024;
        byte[] unknownDigests = new byte[(int) pages * PageDelta.DIGEST_LENGTH];
        Arrays.fill(unknownDigests, (byte) 0x5A);
        try (RandomAccessFile b = new RandomAccessFile(base.toFile(), "r")) {
            // digests cut short
            InputStream cut = new ByteArrayInputStream(Arrays.copyOf(unknownDigests, unknownDigests.length - 3));
            assertThatThrownBy(() -> new PageDeltaInputStream(cut, new ByteArrayOutputStream(), b, size, 1024, size, 0)
                    .readAllBytes()).isInstanceOf(ProtocolException.class).hasMessageContaining("page digests");
            // every page needed, one page short
            InputStream shortPages = new SequenceInputStream(new ByteArrayInputStream(unknownDigests),
                    new ByteArrayInputStream(new byte[(int) size - 1024]));
            assertThatThrownBy(() -> new PageDeltaInputStream(shortPages, new ByteArrayOutputStream(), b, size, 1024,
                    size, 0).readAllBytes()).isInstanceOf(PayloadSizeException.class).hasMessageContaining("truncated");
            // every page and then some
            InputStream extra = new SequenceInputStream(new ByteArrayInputStream(unknownDigests),
                    new ByteArrayInputStream(new byte[(int) size + 1]));
            ByteArrayOutputStream need = new ByteArrayOutputStream();
            assertThatThrownBy(() -> new PageDeltaInputStream(extra, need, b, size, 1024, size, 0).readAllBytes())
                    .isInstanceOf(PayloadSizeException.class).hasMessageContaining("more than");
            byte[] bitmap = V2Frame.read(new ByteArrayInputStream(need.toByteArray()), PageDelta.NEED,
                    PageDelta.bitmapLength(pages), 0);
            for (long p = 0; p < pages; p++) {
                assertThat(PageDelta.isSet(bitmap, p)).isTrue();
            }
        }
        assertThatThrownBy(() -> new PageDeltaInputStream(InputStream.nullInputStream(), new ByteArrayOutputStream(),
                null, 1000, 1024, 2048, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
