package dev.dbsync.core;

import dev.dbsync.api.DatabaseFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A database beside a meta that does not describe it (a meta left by an earlier install, a file
 * copied in by hand, an unreadable meta) is refused and left untouched with its meta, unless
 * adopted; metas beside a missing database are kept. Real files, real SQLite, the TLS-over-TCP
 * test transport (the crash states that must still recover: {@link SubscriberDurabilitySuite}).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubscriberStrayMetaTest extends SubscriberContract {
    /** A meta another dbsync left: valid JSON, a hash that matches no file here. */
    private static final String STRAY_META = "{\"version\":1,\"hash\":\"" + "ab".repeat(32)
            + "\",\"size\":8192,\"timestamp\":1796350012,\"compressed\":false}";

    @Override
    String transportName() {
        return "tcp-test";
    }

    private Path meta() {
        return db.resolveSibling("public.db.meta.json");
    }

    @Test
    void aForeignDatabaseBesideAStrayMetaIsRefusedAndBothAreLeftUntouched() throws Exception {
        Snap foreign = snapshot(7);
        Files.copy(foreign.file(), db);
        Files.writeString(meta(), STRAY_META);
        long modified = Files.getLastModifiedTime(db).toMillis();

        try (Subscriber s = subscriberBuilder().build()) {
            assertThatThrownBy(s::start).isInstanceOfSatisfying(DatabaseFileException.class, e -> {
                assertThat(e.problem()).isEqualTo(DatabaseFileException.Problem.META_MISMATCH);
                assertThat(e.file()).isEqualTo(db);
                assertThat(e.getMessage()).contains(db.toString()).contains("matches none of the metas")
                        .contains("public.db.meta.json says version 1, SHA-256 abababababab")
                        .contains("--adopt").contains("adoptExisting(true)").contains("remove the file");
            });
        }
        assertThat(Snapshots.sha256(db)).isEqualTo(foreign.meta().hash());
        assertThat(Files.getLastModifiedTime(db).toMillis()).isEqualTo(modified);
        assertThat(Files.readString(meta())).isEqualTo(STRAY_META);
        assertThat(filesIn(db.getParent())).containsExactly("public.db", "public.db.lock", "public.db.meta.json");

        // asked to adopt it: served as version 0, the stale meta replaced by one describing the file
        try (Subscriber adopted = subscriberBuilder().adoptExisting(true).build().start()) {
            assertThat(adopted.version()).isZero();
            assertThat(adopted.servedMeta().orElseThrow().hash()).isEqualTo(foreign.meta().hash());
            assertThat(servedRowsVersion(adopted)).isEqualTo(7);
            assertThat(Files.readString(meta())).contains(foreign.meta().hash()).contains("\"version\":0");
            assertThat(push(adopted, snapshot(1)).outcome()).isEqualTo(PushResult.Outcome.SWAPPED);
        }
        try (Subscriber restarted = start()) {
            assertThat(restarted.version()).as("once adopted, its meta is ours: no option needed").isEqualTo(1);
        }
    }

    @Test
    void ourOwnDatabaseReplacedByHandIsRefusedWithItsMetaKept() throws Exception {
        try (Subscriber first = start()) {
            push(first, snapshot(1));
        }
        String ours = Files.readString(meta());
        Files.copy(snapshot(1).file(), db, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // same size
        String copied = Snapshots.sha256(db);
        try (Subscriber s = subscriberBuilder().build()) {
            assertThatThrownBy(s::start).isInstanceOfSatisfying(DatabaseFileException.class,
                    e -> assertThat(e.problem()).isEqualTo(DatabaseFileException.Problem.META_MISMATCH));
        }
        assertThat(Snapshots.sha256(db)).isEqualTo(copied);
        assertThat(Files.readString(meta())).isEqualTo(ours);
        assertThat(filesIn(db.getParent())).containsExactly("public.db", "public.db.lock", "public.db.meta.json");
    }

    @Test
    void aMalformedMetaIsNamedAsSuchAndLeftAlone() throws Exception {
        Snap foreign = snapshot(3);
        Files.copy(foreign.file(), db);
        Files.writeString(meta(), "{\"version\":");
        try (Subscriber s = subscriberBuilder().build()) {
            assertThatThrownBy(s::start).isInstanceOfSatisfying(DatabaseFileException.class, e -> {
                assertThat(e.problem()).isEqualTo(DatabaseFileException.Problem.META_MISMATCH);
                assertThat(e.getMessage()).contains("public.db.meta.json is unusable: it cannot be read")
                        .doesNotContain("there is no");
            });
        }
        assertThat(Files.readString(meta())).isEqualTo("{\"version\":");
        assertThat(Snapshots.sha256(db)).isEqualTo(foreign.meta().hash());
    }

    @Test
    void aMetaThatIsADirectoryIsNamedAsSuchAndLeftAlone() throws Exception {
        Snap foreign = snapshot(3);
        Files.copy(foreign.file(), db);
        Files.createDirectory(meta());
        try (Subscriber s = subscriberBuilder().build()) {
            assertThatThrownBy(s::start).isInstanceOfSatisfying(DatabaseFileException.class, e -> {
                assertThat(e.problem()).isEqualTo(DatabaseFileException.Problem.META_MISMATCH);
                assertThat(e.getMessage()).contains("public.db.meta.json is unusable: it is a directory")
                        .doesNotContain("there is no");
            });
        }
        assertThat(meta()).isDirectory();
        assertThat(Snapshots.sha256(db)).isEqualTo(foreign.meta().hash());
    }

    @Test
    void metasBesideAMissingDatabaseAreKeptAndTheFirstSnapshotReplacesThem() throws Exception {
        Files.createDirectories(db.getParent());
        Files.writeString(meta(), STRAY_META);
        Path pending = db.resolveSibling("public.db.meta.pending.json");
        Files.writeString(pending, STRAY_META);
        try (Subscriber s = start()) {
            assertThat(s.db()).isEmpty();
            assertThat(s.version()).isZero();
            assertThat((String) s.status().get("recovery_problem")).contains("does not exist")
                    .contains("public.db.meta.json").contains("public.db.meta.pending.json");
            assertThat(Files.readString(meta())).isEqualTo(STRAY_META);
            assertThat(Files.readString(pending)).isEqualTo(STRAY_META);

            Snap v2 = snapshot(2);
            assertThat(push(s, v2).outcome()).isEqualTo(PushResult.Outcome.SWAPPED);
            assertThat(Files.readString(meta())).contains(v2.meta().hash());
            assertThat(filesIn(db.getParent())).containsExactly("public.db", "public.db.lock", "public.db.meta.json");
        }
        assertThat(new String(Files.readAllBytes(meta()), StandardCharsets.UTF_8)).contains("\"version\":2");
    }
}
