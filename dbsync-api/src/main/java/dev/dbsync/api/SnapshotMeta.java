package dev.dbsync.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Describes one snapshot: sent before the database bytes on the wire, persisted beside a
 * served database, and returned by snapshot production.
 *
 * <p>On the wire its JSON form uses exactly the field names {@code version}, {@code hash},
 * {@code size}, {@code timestamp} and {@code compressed}.
 *
 * @param version the snapshot version; versions from one publisher strictly increase
 * @param hash lowercase hex SHA-256 of the uncompressed database bytes (64 characters)
 * @param size the uncompressed size in bytes
 * @param timestamp when the snapshot was produced, in unix seconds
 * @param compressed whether the payload on the wire is gzip-compressed
 */
public record SnapshotMeta(long version, String hash, long size, long timestamp, boolean compressed) {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException if the hash is not 64 lowercase hex digits or the size
     *     is negative
     */
    public SnapshotMeta {
        Objects.requireNonNull(hash, "hash");
        if (!SHA256_HEX.matcher(hash).matches()) {
            throw new IllegalArgumentException("hash must be 64 lowercase hex digits (SHA-256), got '"
                    + (hash.length() > 80 ? hash.substring(0, 80) + "…" : hash) + "'");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, got " + size);
        }
    }

    /**
     * @param compressedOnWire whether the payload is to be gzip-compressed
     * @return a copy of this meta with the compression flag set as given
     */
    public SnapshotMeta withCompressed(boolean compressedOnWire) {
        return new SnapshotMeta(version, hash, size, timestamp, compressedOnWire);
    }

    /** @return the first 12 hex digits of the hash, for logs */
    public String shortHash() {
        return hash.substring(0, 12);
    }
}
