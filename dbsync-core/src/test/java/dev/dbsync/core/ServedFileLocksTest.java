package dev.dbsync.core;

import dev.dbsync.api.RejectReason;
import dev.dbsync.api.SnapshotMeta;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Nothing of the subscriber opens and closes a Java descriptor of the file it serves while
 * SQLite has it open: POSIX would drop every lock this process holds on it. Seen through the
 * kernel's table of POSIX locks ({@code /proc/locks}, Linux): an application connection of this
 * process, opened on the served path without {@code immutable} and inside a read transaction,
 * keeps its lock through what used to open and close the file with Java I/O (the base of a
 * {@code pages} transfer that then fails, the hash of the file at start).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServedFileLocksTest extends SubscriberContract {
    private static final Path LOCKS = Path.of("/proc/locks");

    @Override
    String transportName() {
        return "tcp-test";
    }

    @BeforeEach
    void linuxOnly() {
        assumeThat(Files.isReadable(LOCKS)).as("/proc/locks lists POSIX locks (Linux)").isTrue();
    }

    @Test
    void aFailedPagesTransferLeavesTheLocksOfTheProcessOnTheServedFile() throws Exception {
        Subscriber s = start();
        push(s, snapshot(1));
        try (Connection app = readingInATransaction(db)) {
            long inode = inode(db);
            assertThat(locksOfThisProcessOn(inode)).as("the application's read lock").isNotEmpty();
            Snap v2 = snapshot(2);
            SnapshotMeta lie = new SnapshotMeta(2, snapshot(9).meta().hash(), v2.meta().size(),
                    v2.meta().timestamp(), false);
            // offered as pages first: the served file is the base of the transfer, which fails its SHA-256
            assertThatThrownBy(() -> pusher(false).push(endpoint(s), lie, v2.file()))
                    .isInstanceOfSatisfying(SnapshotRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(RejectReason.HASH_MISMATCH));
            assertThat(inode(db)).as("still the served file").isEqualTo(inode);
            assertThat(locksOfThisProcessOn(inode)).as("the application's read lock after the transfer").isNotEmpty();
            assertThat(count(app)).isEqualTo(Snapshots.ROWS);
        }
    }

    @Test
    void startingOnAServedFileLeavesTheLocksOfTheProcessOnIt() throws Exception {
        try (Subscriber first = start()) {
            push(first, snapshot(1));
        }
        try (Connection app = readingInATransaction(db)) {
            long inode = inode(db);
            assertThat(locksOfThisProcessOn(inode)).isNotEmpty();
            try (Subscriber s = subscriberBuilder().build().start()) {
                assertThat(s.version()).isEqualTo(1);
                assertThat(servedRowsVersion(s)).isEqualTo(1);
                assertThat(locksOfThisProcessOn(inode)).as("after the start hashed the file").isNotEmpty();
                push(s, snapshot(2));
                assertThat(servedRowsVersion(s)).isEqualTo(2);
            }
            assertThat(count(app)).isEqualTo(Snapshots.ROWS);
        }
    }

    /** @return a connection as an application would open one, holding a SHARED lock (open read transaction) */
    private static Connection readingInATransaction(Path file) throws Exception {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        c.setAutoCommit(false);
        count(c);
        return c;
    }

    private static long count(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long inode(Path file) throws Exception {
        return ((Number) Files.getAttribute(file, "unix:ino")).longValue();
    }

    /** @return the lines of /proc/locks for POSIX locks of this process on that inode */
    private static List<String> locksOfThisProcessOn(long inode) throws Exception {
        String pid = String.valueOf(ProcessHandle.current().pid());
        return Files.readAllLines(LOCKS).stream().filter(l -> {
            String[] f = l.trim().split("\\s+");
            // "1: POSIX  ADVISORY  READ 4242 fd:01:123456 1073741826 1073742335"
            return f.length >= 6 && f[1].equals("POSIX") && f[4].equals(pid)
                    && f[5].substring(f[5].lastIndexOf(':') + 1).equals(String.valueOf(inode));
        }).toList();
    }
}
