package dev.dbsync.core;

import dev.dbsync.api.ProtocolException;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.core.internal.subscriber.SnapshotStore;
import dev.dbsync.core.internal.wire.MetaJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Optional;

/**
 * The publisher's durable memory, beside its save path: the meta of the snapshot saved there
 * ({@code <save>.meta.json}). It makes versions strictly increase across restarts and
 * whatever the wall clock does: the next version is {@code max(last + 1, clock millis)}.
 * Writes are atomic (temp file, fsync, rename, fsync of the directory).
 *
 * <p>A new snapshot is installed as the subscriber installs one (docs/protocol.md §7): its
 * meta is first written as a pending meta ({@code <save>.meta.pending.json}), then the file
 * is renamed over the save path, then the meta is committed and the pending one removed. A
 * crash between the rename and the commit leaves a save path that matches the pending meta,
 * which {@link #load()} then commits.
 */
final class PublishedMetaStore {
    private final Path savePath;
    private final Path metaPath;
    private final Path pendingPath;
    private final Clock clock;
    private long lastVersion = Long.MIN_VALUE;

    PublishedMetaStore(Path savePath, Clock clock) {
        this.savePath = savePath;
        this.metaPath = savePath.resolveSibling(savePath.getFileName() + ".meta.json");
        this.pendingPath = savePath.resolveSibling(savePath.getFileName() + ".meta.pending.json");
        this.clock = clock;
    }

    Path metaPath() {
        return metaPath;
    }

    /**
     * Reads the persisted metas and checks them against the saved file.
     *
     * @return the meta when the saved file is complete and matches it (the committed meta, else
     *     the pending one, which is then committed: a crash after the rename); empty otherwise
     *     (no snapshot yet, or a crash before the rename)
     */
    Optional<SnapshotMeta> load() {
        Optional<SnapshotMeta> committed = read(metaPath);
        Optional<SnapshotMeta> pending = read(pendingPath);
        committed.ifPresent(m -> lastVersion = Math.max(lastVersion, m.version()));
        pending.ifPresent(m -> lastVersion = Math.max(lastVersion, m.version()));
        String hash;
        long size;
        try {
            size = Files.size(savePath);
            hash = SnapshotStore.sha256(savePath);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + savePath, e);
        }
        if (committed.filter(m -> m.size() == size && m.hash().equals(hash)).isPresent()) {
            deletePending();
            return committed;
        }
        if (pending.filter(m -> m.size() == size && m.hash().equals(hash)).isPresent()) {
            save(pending.get());
            return pending;
        }
        return Optional.empty();
    }

    private static Optional<SnapshotMeta> read(Path file) {
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        try {
            return Optional.of(MetaJson.decode(json, 0));
        } catch (ProtocolException e) {
            return Optional.empty();
        }
    }

    /** @return the version to give the next new snapshot (not reserved until {@link #save}) */
    long nextVersion() {
        long last = lastVersion == Long.MIN_VALUE ? 0 : lastVersion;
        return Math.max(last + 1, clock.millis());
    }

    /** Persists {@code meta} as the pending meta, before its file is renamed over the save path. */
    void savePending(SnapshotMeta meta) {
        write(pendingPath, meta);
        lastVersion = Math.max(lastVersion, meta.version());
    }

    /** Persists {@code meta} as the meta of the saved file and removes the pending meta. */
    void save(SnapshotMeta meta) {
        write(metaPath, meta);
        deletePending();
        lastVersion = Math.max(lastVersion, meta.version());
    }

    private void deletePending() {
        try {
            Files.deleteIfExists(pendingPath);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + pendingPath, e);
        }
    }

    private static void write(Path metaPath, SnapshotMeta meta) {
        Path tmp = metaPath.resolveSibling(metaPath.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(MetaJson.encode(meta));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, metaPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDirectory(metaPath.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + metaPath, e);
        }
    }

    /**
     * Flushes the saved file and its directory entry to stable storage, then commits
     * {@code meta}: the committed meta only ever describes a durable file. (Until then the
     * pending meta stands for it, and {@link #load()} checks the file against it.)
     *
     * @param meta the meta of the file now at the save path
     * @throws IOException if the file cannot be flushed
     */
    void flushAndSave(SnapshotMeta meta) throws IOException {
        try (FileChannel ch = FileChannel.open(savePath, StandardOpenOption.READ)) {
            ch.force(true);
        }
        fsyncDirectory(savePath.toAbsolutePath().getParent());
        save(meta);
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems refuse to open directories; the rename is still atomic there
        }
    }
}
