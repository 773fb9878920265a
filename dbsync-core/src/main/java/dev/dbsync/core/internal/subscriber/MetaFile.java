package dev.dbsync.core.internal.subscriber;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.dbsync.api.DbsyncException;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.core.internal.wire.MetaJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A persisted {@link ServedSnapshot}: the meta JSON plus {@code swapped_at}, written atomically
 * (temp file, fsync, rename, directory fsync).
 */
final class MetaFile {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final int MAX_LENGTH = 64 * 1024;

    private MetaFile() {
    }

    static void write(Path file, ServedSnapshot served) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotMeta m = served.meta();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("version", m.version());
            g.writeStringField("hash", m.hash());
            g.writeNumberField("size", m.size());
            g.writeNumberField("timestamp", m.timestamp());
            g.writeBooleanField("compressed", false);
            g.writeNumberField("swapped_at", served.swappedAt());
            g.writeEndObject();
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(out.toByteArray());
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * @return the persisted snapshot, empty if the file does not exist
     * @throws DbsyncException if it exists but cannot be parsed
     */
    static Optional<ServedSnapshot> read(Path file) {
        byte[] json;
        try {
            if (Files.size(file) > MAX_LENGTH) {
                throw new DbsyncException(file + " is larger than " + MAX_LENGTH + " bytes: not a dbsync meta file");
            }
            json = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            SnapshotMeta meta = MetaJson.decode(json, 0);
            long swappedAt = 0;
            try (JsonParser p = FACTORY.createParser(json)) {
                p.nextToken();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if ("swapped_at".equals(name) && v == JsonToken.VALUE_NUMBER_INT) {
                        swappedAt = p.getLongValue();
                    } else {
                        p.skipChildren();
                    }
                }
            }
            return Optional.of(new ServedSnapshot(meta.withCompressed(false), swappedAt));
        } catch (IOException | RuntimeException e) {
            throw new DbsyncException("cannot read the persisted meta " + file + ": " + e.getMessage(), e);
        }
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
