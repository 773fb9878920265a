package dev.dbsync.core.internal.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.dbsync.api.ProtocolException;
import dev.dbsync.api.SnapshotMeta;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The JSON form of {@link SnapshotMeta}: {@code {"version":…,"hash":"…","size":…,"timestamp":…,
 * "compressed":…}}, byte-compatible with the original Go encoder. Decoding is strict about the
 * known fields (types, duplicates, required ones) and ignores unknown fields.
 */
public final class MetaJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(32).maxNumberLength(64).maxStringLength(1 << 20).build())
            .build();

    private MetaJson() {
    }

    /**
     * @param meta the meta
     * @return its compact JSON form, UTF-8
     */
    public static byte[] encode(SnapshotMeta meta) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("version", meta.version());
            g.writeStringField("hash", meta.hash());
            g.writeNumberField("size", meta.size());
            g.writeNumberField("timestamp", meta.timestamp());
            g.writeBooleanField("compressed", meta.compressed());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a meta. {@code version}, {@code hash}, {@code size} and {@code timestamp} are
     * required; {@code compressed} defaults to false; unknown fields are ignored.
     *
     * @param json the JSON bytes
     * @param offset the stream offset of the first byte, for error messages
     * @return the meta
     * @throws ProtocolException if the JSON is invalid, incomplete, or a field is missing or mistyped
     */
    public static SnapshotMeta decode(byte[] json, long offset) {
        Long version = null;
        Long size = null;
        Long timestamp = null;
        String hash = null;
        boolean compressed = false;
        Set<String> seen = new HashSet<>();
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ProtocolException(offset, "meta is not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                seen.add(name);
                switch (name) {
                    case "version" -> version = longField(p, value, name, offset);
                    case "size" -> size = longField(p, value, name, offset);
                    case "timestamp" -> timestamp = longField(p, value, name, offset);
                    case "hash" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            throw new ProtocolException(offset, "meta field 'hash' must be a string, got " + value);
                        }
                        hash = p.getText().toLowerCase(Locale.ROOT);
                    }
                    case "compressed" -> {
                        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
                            throw new ProtocolException(offset, "meta field 'compressed' must be a boolean, got " + value);
                        }
                        compressed = value == JsonToken.VALUE_TRUE;
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new ProtocolException(offset, "meta JSON is incomplete");
            }
            if (p.nextToken() != null) {
                throw new ProtocolException(offset, "meta JSON has trailing content after the object");
            }
        } catch (JsonProcessingException e) {
            throw new ProtocolException(offset, "meta is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ProtocolException(offset, "meta cannot be read: " + e.getMessage(), e);
        }
        for (String required : new String[] {"version", "hash", "size", "timestamp"}) {
            if (!seen.contains(required)) {
                throw new ProtocolException(offset, "meta is missing the required field '" + required + "'");
            }
        }
        if (size < 0) {
            throw new ProtocolException(offset, "meta field 'size' is negative: " + size);
        }
        try {
            return new SnapshotMeta(version, hash, size, timestamp, compressed);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(offset, "meta is invalid: " + e.getMessage(), e);
        }
    }

    private static long longField(JsonParser p, JsonToken value, String name, long offset) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new ProtocolException(offset, "meta field '" + name + "' must be an integer, got " + value);
        }
        JsonParser.NumberType type = p.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
            throw new ProtocolException(offset, "meta field '" + name + "' is out of the 64-bit range");
        }
        return p.getLongValue();
    }
}
