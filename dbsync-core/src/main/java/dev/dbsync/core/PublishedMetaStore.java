package dev.dbsync.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.ProtocolException;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.core.internal.subscriber.SnapshotStore;
import dev.dbsync.core.internal.wire.MetaJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The publisher's durable memory, beside its save path: the meta of the snapshot saved there
 * ({@code <save>.meta.json}) and what it was produced from ({@link Origin}: the filter spec's
 * SHA-256 and the source path). It makes versions strictly increase across restarts and
 * whatever the wall clock does: the next version is {@code max(last + 1, clock millis)}.
 * Writes are atomic (temp file, fsync, rename, fsync of the directory).
 *
 * <p>A new snapshot is installed as the subscriber installs one (docs/protocol.md §7): its
 * meta is first written as a pending meta ({@code <save>.meta.pending.json}), then the file
 * is renamed over the save path, then the meta is committed and the pending one removed. A
 * crash between the rename and the commit leaves a save path that matches the pending meta,
 * which {@link #load()} then commits.
 *
 * <p>The persisted form is the wire meta's JSON plus {@code spec_sha256} and {@code source};
 * a meta written before those fields existed reads with no origin. A subscriber's meta (it has
 * {@code swapped_at}) is not read as one of the publisher's.
 */
final class PublishedMetaStore {
    private static final JsonFactory FACTORY = new JsonFactory();

    private final Path savePath;
    private final Path metaPath;
    private final Path pendingPath;
    private final Origin origin;
    private final Clock clock;
    private long lastVersion = Long.MIN_VALUE;

    /**
     * What a snapshot is produced from: a kept snapshot of another origin is not what the
     * publisher publishes now (another filter may publish less).
     *
     * @param specSha256 lowercase hex SHA-256 of the spec's canonical JSON ({@link FilterSpecJson#write})
     * @param source the source database's absolute, normalized path
     */
    record Origin(String specSha256, String source) {
        static Origin of(Path source, FilterSpec spec) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256")
                        .digest(FilterSpecJson.write(spec).getBytes(StandardCharsets.UTF_8));
                return new Origin(HexFormat.of().formatHex(digest), source.toAbsolutePath().normalize().toString());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required of every JVM", e);
            }
        }
    }

    /**
     * A snapshot found at the save path.
     *
     * @param meta its meta
     * @param origin what it was produced from; empty for a meta written before origins were recorded
     */
    record Kept(SnapshotMeta meta, Optional<Origin> origin) {
        /**
         * @param current what the publisher produces from now
         * @return why this snapshot is not what the publisher publishes now, or empty when it is
         */
        Optional<String> staleFor(Origin current) {
            if (origin.isEmpty()) {
                return Optional.of("its meta does not record the filter it was produced with (written by an older "
                        + "dbsync)");
            }
            if (!origin.get().specSha256().equals(current.specSha256())) {
                return Optional.of("it was produced with another filter spec (SHA-256 "
                        + origin.get().specSha256().substring(0, 12) + ", now " + current.specSha256().substring(0, 12)
                        + ")");
            }
            if (!origin.get().source().equals(current.source())) {
                return Optional.of("it was produced from another source (" + origin.get().source() + ", now "
                        + current.source() + ")");
            }
            return Optional.empty();
        }
    }

    PublishedMetaStore(SavePath save, Origin origin, Clock clock) {
        this.savePath = save.file();
        this.metaPath = save.meta();
        this.pendingPath = save.pendingMeta();
        this.origin = origin;
        this.clock = clock;
    }

    /** @return what this publisher produces from */
    Origin origin() {
        return origin;
    }

    /**
     * Reads the persisted metas and checks them against the saved file.
     *
     * @return the kept snapshot when the saved file is complete and matches its meta (the
     *     committed meta, else the pending one, which is then committed with the origin it
     *     records: a crash after the rename); empty otherwise (no snapshot yet, or a crash
     *     before the rename)
     */
    Optional<Kept> load() {
        Optional<Kept> committed = read(metaPath);
        Optional<Kept> pending = read(pendingPath);
        committed.ifPresent(k -> lastVersion = Math.max(lastVersion, k.meta().version()));
        pending.ifPresent(k -> lastVersion = Math.max(lastVersion, k.meta().version()));
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
        if (committed.filter(k -> k.meta().size() == size && k.meta().hash().equals(hash)).isPresent()) {
            deletePending();
            return committed;
        }
        if (pending.filter(k -> k.meta().size() == size && k.meta().hash().equals(hash)).isPresent()) {
            write(metaPath, pending.get());
            deletePending();
            return pending;
        }
        return Optional.empty();
    }

    /**
     * @return whether a committed or pending meta of a publisher lies beside the save path: a
     *     file there was written by a publisher (the pending meta is written before the file is
     *     renamed in). A subscriber's meta (with {@code swapped_at}) is not one: its file is a
     *     front office's database
     */
    boolean hasMeta() {
        return read(metaPath).isPresent() || read(pendingPath).isPresent();
    }

    private static Optional<Kept> read(Path file) {
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        try {
            SnapshotMeta meta = MetaJson.decode(json, 0);
            return subscribers(json) ? Optional.empty() : Optional.of(new Kept(meta, origin(json)));
        } catch (ProtocolException e) {
            return Optional.empty();
        }
    }

    /** @return whether a meta is a subscriber's (it has {@code swapped_at}): its file is a front office's */
    private static boolean subscribers(byte[] json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (p.currentName().equals("swapped_at")) {
                    return true;
                }
                p.nextToken();
                p.skipChildren();
            }
        } catch (IOException e) {
            return false; // MetaJson.decode read it: cannot happen
        }
        return false;
    }

    /** The origin fields of a persisted meta; empty when either is missing or not a string. */
    private static Optional<Origin> origin(byte[] json) {
        String spec = null;
        String source = null;
        try (JsonParser p = FACTORY.createParser(json)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_STRING && name.equals("spec_sha256")) {
                    spec = p.getText();
                } else if (v == JsonToken.VALUE_STRING && name.equals("source")) {
                    source = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return Optional.empty(); // MetaJson.decode read it: cannot happen
        }
        return spec == null || source == null ? Optional.empty() : Optional.of(new Origin(spec, source));
    }

    /** @return the version to give the next new snapshot (not reserved until {@link #save}) */
    long nextVersion() {
        long last = lastVersion == Long.MIN_VALUE ? 0 : lastVersion;
        return Math.max(last + 1, clock.millis());
    }

    /**
     * Persists {@code meta}, produced from this store's origin, as the pending meta, before its
     * file is renamed over the save path.
     */
    void savePending(SnapshotMeta meta) {
        write(pendingPath, new Kept(meta, Optional.of(origin)));
        lastVersion = Math.max(lastVersion, meta.version());
    }

    /**
     * Persists {@code meta}, produced from this store's origin, as the meta of the saved file
     * and removes the pending meta.
     */
    void save(SnapshotMeta meta) {
        write(metaPath, new Kept(meta, Optional.of(origin)));
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

    private static void write(Path metaPath, Kept kept) {
        Path tmp = metaPath.resolveSibling(metaPath.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(encode(kept));
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

    private static byte[] encode(Kept kept) throws IOException {
        SnapshotMeta m = kept.meta();
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("version", m.version());
            g.writeStringField("hash", m.hash());
            g.writeNumberField("size", m.size());
            g.writeNumberField("timestamp", m.timestamp());
            g.writeBooleanField("compressed", m.compressed());
            if (kept.origin().isPresent()) {
                g.writeStringField("spec_sha256", kept.origin().get().specSha256());
                g.writeStringField("source", kept.origin().get().source());
            }
            g.writeEndObject();
        }
        return out.toByteArray();
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
