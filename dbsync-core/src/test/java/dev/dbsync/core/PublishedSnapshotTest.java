package dev.dbsync.core;

import dev.dbsync.api.SnapshotMeta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class PublishedSnapshotTest {
    @TempDir
    Path dir;

    @Test
    void anInterruptedPushCostsNoOtherPushItsFile() throws Exception {
        byte[] bytes = new byte[3 << 20];
        new SplittableRandom(7).nextBytes(bytes);
        Path file = dir.resolve("public.db");
        Files.write(file, bytes);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        PublishedSnapshot snap = PublishedSnapshot.open(file, new SnapshotMeta(1, hash, bytes.length, Instant.now().getEpochSecond(), false), 0);
        try (InputStream first = snap.newInputStream(); InputStream second = snap.newInputStream()) {
            first.readNBytes(1000);
            // a QUIC library's stray interrupt lands on the thread of the first push
            Thread.currentThread().interrupt();
            try {
                first.readNBytes(1000);
            } finally {
                assertThat(Thread.interrupted()).as("the interrupt is left to its owner").isTrue();
            }
            assertThat(second.readAllBytes()).as("another push still reads the whole version").isEqualTo(bytes);
            byte[] rest = first.readAllBytes();
            assertThat(rest).hasSize(bytes.length - 2000);
        } finally {
            snap.release();
        }
    }

    @Test
    void skippingMovesThePositionWithoutReadingAndStopsAtTheEnd() throws Exception {
        byte[] bytes = new byte[100_000];
        new SplittableRandom(3).nextBytes(bytes);
        Path file = dir.resolve("public.db");
        Files.write(file, bytes);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        PublishedSnapshot snap = PublishedSnapshot.open(file, new SnapshotMeta(1, hash, bytes.length, Instant.now().getEpochSecond(), false), 0);
        try (InputStream in = snap.newInputStream()) {
            assertThat(in.skip(40_000)).isEqualTo(40_000);
            assertThat(in.readNBytes(10)).isEqualTo(java.util.Arrays.copyOfRange(bytes, 40_000, 40_010));
            assertThat(in.skip(1_000_000)).isEqualTo(100_000 - 40_010);
            assertThat(in.skip(5)).isZero();
            assertThat(in.read()).isEqualTo(-1);
        } finally {
            snap.release();
        }
    }

    @Test
    void pageDigestsAreComputedOnceForAllThePushesOfAVersion() throws Exception {
        byte[] bytes = new byte[64 * 1024];
        new SplittableRandom(5).nextBytes(bytes);
        Path file = dir.resolve("public.db");
        Files.write(file, bytes);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        PublishedSnapshot snap = PublishedSnapshot.open(file, new SnapshotMeta(1, hash, bytes.length, Instant.now().getEpochSecond(), false), 0);
        try {
            long[] first = snap.payload().digests(bytes.length, 4096);
            assertThat(first).hasSize(16).containsExactly(dev.dbsync.core.internal.wire.PageDelta.digests(
                    () -> new java.io.ByteArrayInputStream(bytes), bytes.length, 4096));
            assertThat(snap.payload().digests(bytes.length, 4096)).isSameAs(first);
            assertThat(snap.payload().digests(bytes.length, 1024)).hasSize(64);
        } finally {
            snap.release();
        }
    }
}
