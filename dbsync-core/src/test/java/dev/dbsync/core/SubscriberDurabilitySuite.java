package dev.dbsync.core;

import dev.dbsync.api.RejectReason;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.core.internal.subscriber.SwapStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What survives a restart or a crash, over one transport. */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class SubscriberDurabilitySuite extends SubscriberContract {

    @Test
    void aRestartServesTheDatabaseUnderItsPersistedMetaAndStillRefusesReplays() throws Exception {
        Subscriber first = start();
        Snap v1 = snapshot(1);
        Snap v2 = snapshot(2);
        push(first, v1);
        push(first, v2);
        long swappedAt = first.lastSwapAt();
        first.close();

        Subscriber second = start();
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.servedMeta()).contains(v2.meta());
        assertThat(second.lastSwapAt()).isEqualTo(swappedAt);
        assertThat(servedRowsVersion(second)).isEqualTo(2);
        second.ping();
        assertThatThrownBy(() -> push(second, v1)).isInstanceOfSatisfying(SnapshotRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(RejectReason.STALE_VERSION));
        pushV1(second, v1.meta(), v1.file());
        assertThat(Snapshots.sha256(db)).isEqualTo(v2.meta().hash());
    }

    @Test
    void aBorrowedConnectionKeepsWorkingAfterASwapAndAfterClose() throws Exception {
        Subscriber s = start();
        push(s, snapshot(1));
        try (var held = s.db().orElseThrow().getConnection()) {
            assertThat(Snapshots.wholeVersion(held)).isEqualTo(1);
            push(s, snapshot(2));
            assertThat(servedRowsVersion(s)).isEqualTo(2);
            assertThat(Snapshots.wholeVersion(held)).isEqualTo(1);
            s.close();
            assertThat(Snapshots.wholeVersion(held)).isEqualTo(1);
        }
        assertThatThrownBy(() -> s.db().orElseThrow().getConnection()).isInstanceOf(java.sql.SQLException.class);
    }

    @Test
    void staleTempFilesAreRemovedAtStart() throws Exception {
        Files.write(db.resolveSibling(".public.db.recv-0123.tmp"), new byte[100]);
        Files.write(db.resolveSibling("public.db.meta.json.tmp"), new byte[10]);
        Files.write(db.resolveSibling("unrelated.txt"), new byte[1]);
        start();
        assertThat(filesIn(db.getParent())).containsExactly("public.db.lock", "unrelated.txt");
    }

    @Test
    void anExistingDatabaseWithoutMetaIsServedAsVersionZeroWhenAdopted() throws Exception {
        Snap existing = snapshot(7);
        Files.copy(existing.file(), db);
        Subscriber s = start(b -> b.adoptExisting(true));
        assertThat(s.version()).isZero();
        assertThat(s.servedMeta().orElseThrow().hash()).isEqualTo(existing.meta().hash());
        assertThat(servedRowsVersion(s)).isEqualTo(7);
        assertThat(s.lastSwapAt()).isZero();
        assertThat(s.status()).containsEntry("has_db", true).doesNotContainKey("age_seconds");
        assertThat(push(s, snapshot(1)).outcome()).isEqualTo(PushResult.Outcome.SWAPPED);
        s.close();
        assertThat(start().version()).as("once adopted, its meta is ours: no option needed").isEqualTo(1);
    }

    @Test
    void aRestartAfterACrashAtEachSwapStepServesAWholeDatabaseMatchingItsMeta() throws Exception {
        for (SwapStep step : SwapStep.values()) {
            Path stepDb = dir.resolve("crash-" + step).resolve("public.db");
            Files.createDirectories(stepDb.getParent());
            Snap v1 = snapshot(1);
            Snap v2 = snapshot(2);
            try (Subscriber s = subscriberBuilder().dbPath(stepDb).swapHook(reached -> {
                if (reached == step && v2Pending[0]) {
                    throw new SimulatedCrash(step);
                }
            }).build().start()) {
                v2Pending[0] = false;
                push(s, v1);
                v2Pending[0] = true;
                assertThatThrownBy(() -> push(s, v2)).as("push interrupted at " + step)
                        .isInstanceOf(dev.dbsync.api.DbsyncException.class);
            }
            try (Subscriber restarted = subscriberBuilder().dbPath(stepDb).build().start()) {
                SnapshotMeta served = restarted.servedMeta().orElseThrow();
                long expected = step.compareTo(SwapStep.RENAMED) >= 0 ? 2 : 1;
                assertThat(served.version()).as("version served after a crash at " + step).isEqualTo(expected);
                assertThat(Snapshots.sha256(stepDb)).as("file hash after a crash at " + step)
                        .isEqualTo(served.hash()).isEqualTo((expected == 2 ? v2 : v1).meta().hash());
                try (var c = restarted.db().orElseThrow().getConnection()) {
                    assertThat(Snapshots.wholeVersion(c)).isEqualTo(expected);
                }
                assertThat(filesIn(stepDb.getParent())).as("files after a crash at " + step)
                        .isEqualTo(List.of("public.db", "public.db.lock", "public.db.meta.json"));
                assertThat(Files.readString(stepDb.resolveSibling("public.db.meta.json"))).contains(served.hash());
            }
        }
    }

    private final boolean[] v2Pending = new boolean[1];
}
