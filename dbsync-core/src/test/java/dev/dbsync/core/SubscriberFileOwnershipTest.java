package dev.dbsync.core;

import dev.dbsync.api.DatabaseFileException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.TargetProvider;
import dev.dbsync.api.tls.TlsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The front office never adopts or destroys a file it did not write, and one subscriber or
 * publisher at a time uses a file: real files, real SQLite, one JVM (two processes: dbsync-it's
 * {@code FileOwnershipIT}). Transport-independent, so over the TLS-over-TCP test transport only.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubscriberFileOwnershipTest extends SubscriberContract {
    @Override
    String transportName() {
        return "tcp-test";
    }

    private Subscriber built(boolean adopt) {
        return subscriberBuilder().adoptExisting(adopt).build();
    }

    @Test
    void anExistingDatabaseWithoutOurMetaIsRefusedAndLeftUntouched() throws Exception {
        Snap foreign = snapshot(7);
        Files.copy(foreign.file(), db);
        long modified = Files.getLastModifiedTime(db).toMillis();
        try (Subscriber s = built(false)) {
            assertThatThrownBy(s::start).isInstanceOfSatisfying(DatabaseFileException.class, e -> {
                assertThat(e.problem()).isEqualTo(DatabaseFileException.Problem.NOT_OURS);
                assertThat(e.file()).isEqualTo(db);
                assertThat(e.getMessage()).contains(db.toString()).contains("not written by dbsync")
                        .contains("--adopt").contains("adoptExisting(true)");
            });
        }
        assertThat(Snapshots.sha256(db)).isEqualTo(foreign.meta().hash());
        assertThat(Files.getLastModifiedTime(db).toMillis()).isEqualTo(modified);
        assertThat(filesIn(db.getParent())).containsExactly("public.db", "public.db.lock");
        // the refusal held nothing: asked to adopt, the same file is served
        try (Subscriber adopted = built(true).start()) {
            assertThat(adopted.servedMeta().orElseThrow().hash()).isEqualTo(foreign.meta().hash());
            assertThat(adopted.version()).isZero();
            assertThat(servedRowsVersion(adopted)).isEqualTo(7);
        }
    }

    @Test
    void aFileThatIsNotSqliteIsRefusedEvenWhenAdoptingAndNeverRenamed() throws Exception {
        byte[] text = "name,email\nalice,alice@example.org\n".repeat(200).getBytes();
        Files.write(db, text);
        for (boolean adopt : new boolean[] {false, true}) {
            try (Subscriber s = built(adopt)) {
                assertThatThrownBy(s::start).as("adopt " + adopt).isInstanceOfSatisfying(DatabaseFileException.class,
                        e -> {
                            assertThat(e.problem()).isEqualTo(DatabaseFileException.Problem.NOT_SQLITE);
                            assertThat(e.getMessage()).contains(db.toString()).contains("not a SQLite database");
                        });
            }
            assertThat(Files.readAllBytes(db)).isEqualTo(text);
            assertThat(filesIn(db.getParent())).containsExactly("public.db", "public.db.lock");
        }
    }

    @Test
    void aNonSqliteFileUnderOurMetaIsRefusedNotMovedAside() throws Exception {
        try (Subscriber first = start()) {
            push(first, snapshot(1));
        }
        byte[] garbage = new byte[8192];
        Files.write(db, garbage);
        try (Subscriber s = built(false)) {
            assertThatThrownBy(s::start).isInstanceOfSatisfying(DatabaseFileException.class,
                    e -> assertThat(e.problem()).isEqualTo(DatabaseFileException.Problem.NOT_SQLITE));
        }
        assertThat(Files.readAllBytes(db)).isEqualTo(garbage);
        assertThat(filesIn(db.getParent())).containsExactly("public.db", "public.db.lock", "public.db.meta.json");
    }

    @Test
    void aDamagedDatabaseAskedToBeAdoptedIsRefusedAndLeftUntouched() throws Exception {
        Snap foreign = snapshot(3);
        Files.copy(foreign.file(), db);
        long size = Files.size(db);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            // the table's b-tree page (page 2), header intact: quick_check finds it
            f.seek(size - 4096 + 8);
            f.write(new byte[1024]);
        }
        String damaged = Snapshots.sha256(db);
        try (Subscriber s = built(true)) {
            assertThatThrownBy(s::start).isInstanceOfSatisfying(DatabaseFileException.class, e -> {
                assertThat(e.problem()).isEqualTo(DatabaseFileException.Problem.CORRUPT);
                assertThat(e.getMessage()).contains(db.toString()).contains("cannot be adopted");
            });
        }
        assertThat(Snapshots.sha256(db)).isEqualTo(damaged);
        assertThat(filesIn(db.getParent())).containsExactly("public.db", "public.db.lock");
    }

    @Test
    void aSecondSubscriberOnTheSameFileInThisJvmIsRefusedNamingTheLockAndStartsOnceTheFirstIsClosed()
            throws Exception {
        Subscriber first = start();
        push(first, snapshot(1));
        Path lock = db.resolveSibling("public.db.lock");
        try (Subscriber second = built(false)) {
            assertThatThrownBy(second::start).isInstanceOfSatisfying(DatabaseFileException.class, e -> {
                assertThat(e.problem()).isEqualTo(DatabaseFileException.Problem.IN_USE);
                assertThat(e.getMessage()).contains(db.toString()).contains(lock.toString())
                        .contains("subscriber (process " + ProcessHandle.current().pid() + ")");
            });
        }
        // the refused one closed its attempt without dropping the first one's lock
        try (Subscriber third = built(false)) {
            assertThatThrownBy(third::start).isInstanceOf(DatabaseFileException.class);
        }
        assertThat(servedRowsVersion(first)).isEqualTo(1);
        push(first, snapshot(2));
        first.close();
        try (Subscriber next = built(false).start()) {
            assertThat(next.version()).isEqualTo(2);
            assertThat(servedRowsVersion(next)).isEqualTo(2);
        }
    }

    @Test
    void aSubscriberAndAPublisherSavePathOnTheSameFileRefuseEachOther() throws Exception {
        Snap source = snapshot(1);
        try (Subscriber sub = start()) {
            try (Publisher pub = publisher(source.file(), db)) {
                assertThatThrownBy(pub::start).isInstanceOfSatisfying(DatabaseFileException.class, e -> {
                    assertThat(e.problem()).isEqualTo(DatabaseFileException.Problem.IN_USE);
                    assertThat(e.getMessage()).contains("public.db.lock").contains("subscriber");
                });
            }
            assertThat(sub.db()).isEmpty();
        }
        Path save = dir.resolve("bo").resolve("public.db");
        try (Publisher pub = publisher(source.file(), save)) {
            pub.start();
            try (Subscriber sub = subscriberBuilder().dbPath(save).build()) {
                assertThatThrownBy(sub::start).isInstanceOfSatisfying(DatabaseFileException.class, e -> {
                    assertThat(e.problem()).isEqualTo(DatabaseFileException.Problem.IN_USE);
                    assertThat(e.getMessage()).contains(save + ".lock").contains("publisher");
                });
            }
        }
        assertThat(filesIn(dir.resolve("fo"))).doesNotContain("public.db");
    }

    private Publisher publisher(Path source, Path savePath) {
        return Publisher.builder(source, FilterSpec.builder().fullTables("t").build(), savePath)
                .targets(TargetProvider.of()).tls(TlsSettings.insecureClient()).transport(transport()).build();
    }
}
