package dev.dbsync.it.adversarial;

import dev.dbsync.api.RejectReason;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.core.PushResult;
import dev.dbsync.core.SnapshotPusher;
import dev.dbsync.core.SnapshotRejectedException;
import dev.dbsync.core.Transports;
import dev.dbsync.testkit.TestPki;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A front office whose disk fills up in the middle of a receive, without privileges: the
 * subscriber runs in a child JVM under {@code ulimit -f} (the kernel refuses writes past the
 * limit with EFBIG, as it refuses writes to a full disk with ENOSPC, and the JVM ignores
 * SIGXFSZ). The free-space check passes, the write fails mid-payload: the push is refused
 * with {@code io_error}, the old database stays served and intact, the partial temp file is
 * removed, and the next snapshot that fits is accepted.
 */
@Tag("adversarial")
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DiskFullIT {
    private static final Duration START = Duration.ofSeconds(60);
    /** The child's file size limit, in KiB: room for Netty's 7 MB native library, which it extracts at start. */
    private static final long LIMIT_KIB = 12 * 1024;

    @TempDir
    Path dir;

    @Test
    void aDiskThatFillsUpMidReceiveGivesAClearRejectAndKeepsTheOldDatabase() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")),
                "needs bash for ulimit -f");
        TestPki pki = TestPki.create(dir.resolve("pki"), "ca");
        TestPki.Issued fo = pki.server("fo");
        TestPki.Issued bo = pki.client("bo");
        SnapshotPusher pusher = SnapshotPusher.builder().transport(Transports.named("netty"))
                .tls(TlsSettings.mutualClient(pki.caFile(), bo.certFile(), bo.keyFile())).build();
        Path db = Files.createDirectories(dir.resolve("fo")).resolve("public.db");
        Path bodir = Files.createDirectories(dir.resolve("bo"));
        SnapshotMeta small = SnapshotFiles.create(bodir.resolve("small.db"), 1, 1 << 20);
        SnapshotMeta big = SnapshotFiles.create(bodir.resolve("big.db"), 2, 24 << 20);
        SnapshotMeta fits = SnapshotFiles.create(bodir.resolve("fits.db"), 3, 1 << 20);
        try (ChildJvm child = ChildJvm.start(SubscriberProcess.class, dir.resolve("fo.log"), LIMIT_KIB, db.toString(),
                fo.certFile().toString(), fo.keyFile().toString(), pki.caFile().toString())) {
            child.awaitLine("SERVING", START);
            Endpoint fo1 = new Endpoint("127.0.0.1", Integer.parseInt(child.awaitLine("LISTENING", START)));
            assertThat(pusher.push(fo1, small, bodir.resolve("small.db")).outcome()).isEqualTo(PushResult.Outcome.SWAPPED);

            assertThatThrownBy(() -> pusher.push(fo1, big, bodir.resolve("big.db")))
                    .isInstanceOfSatisfying(SnapshotRejectedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(RejectReason.IO_ERROR);
                        assertThat(e.getMessage()).containsIgnoringCase("file too large");
                        assertThat(e.servedVersion()).isEqualTo(1);
                    });
            assertThat(child.isAlive()).as("the subscriber survives a full disk").isTrue();
            assertThat(HostilePushIT.files(db.getParent())).as("the partial file is removed, its space released")
                    .containsExactly("public.db", "public.db.lock", "public.db.meta.json");
            PersistedMeta meta = PersistedMeta.read(db.resolveSibling("public.db.meta.json")).orElseThrow();
            assertThat(meta.version()).isEqualTo(1);
            meta.assertDescribes(db);

            assertThat(pusher.push(fo1, fits, bodir.resolve("fits.db")).servedVersion()).as("still accepts what fits")
                    .isEqualTo(3);
            PersistedMeta.read(db.resolveSibling("public.db.meta.json")).orElseThrow().assertDescribes(db);
        }
    }
}
