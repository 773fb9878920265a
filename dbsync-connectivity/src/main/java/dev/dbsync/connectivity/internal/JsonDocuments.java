package dev.dbsync.connectivity.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/**
 * Strict checking of the routes' {@code config} documents and writing of status documents,
 * with jackson-core's streaming API (no data binding).
 */
public final class JsonDocuments {
    /** Nesting deeper than this in a status map is refused (it is most likely a cycle). */
    static final int MAX_DEPTH = 64;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonDocuments() {
    }

    /**
     * Checks that {@code text} is exactly one JSON object: well-formed, no duplicate keys,
     * nothing after it.
     *
     * @param text the document
     * @return empty if it is one, else what is wrong (with the location)
     */
    public static Optional<String> objectProblem(String text) {
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                return Optional.of(first == null ? "is empty" : "is not a JSON object (starts with " + first.asString() + ")");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                return Optional.of("has content after the JSON object at offset " + p.currentTokenLocation().getCharOffset());
            }
            return Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.of("is not valid JSON: " + e.getOriginalMessage() + " at offset "
                    + (e.getLocation() == null ? -1 : e.getLocation().getCharOffset()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a map as a UTF-8 JSON object. Values may be null, strings, numbers, booleans,
     * maps, iterables, arrays, optionals, enums; anything else is written as its
     * {@code toString()}.
     *
     * @param document the map
     * @return the JSON bytes
     * @throws IllegalArgumentException if it nests deeper than {@value #MAX_DEPTH} levels
     */
    public static byte[] write(Map<String, ?> document) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            writeValue(g, document, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator g, Object value, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("status document nests deeper than " + MAX_DEPTH + " levels");
        }
        if (value == null) {
            g.writeNull();
        } else if (value instanceof CharSequence s) {
            g.writeString(wellFormed(s.toString()));
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double d) {
            writeFloating(g, d);
        } else if (value instanceof Float f) {
            writeFloating(g, f.doubleValue());
        } else if (value instanceof BigInteger i) {
            g.writeNumber(i);
        } else if (value instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (value instanceof Number n) {
            g.writeNumber(n.toString());
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(wellFormed(String.valueOf(e.getKey())));
                writeValue(g, e.getValue(), depth + 1);
            }
            g.writeEndObject();
        } else if (value instanceof Iterable<?> items) {
            g.writeStartArray();
            for (Object item : items) {
                writeValue(g, item, depth + 1);
            }
            g.writeEndArray();
        } else if (value instanceof byte[] bytes) {
            g.writeBinary(bytes);
        } else if (value.getClass().isArray()) {
            g.writeStartArray();
            for (int i = 0, n = Array.getLength(value); i < n; i++) {
                writeValue(g, Array.get(value, i), depth + 1);
            }
            g.writeEndArray();
        } else if (value instanceof Optional<?> o) {
            writeValue(g, o.orElse(null), depth);
        } else if (value instanceof Enum<?> e) {
            g.writeString(e.name());
        } else {
            g.writeString(wellFormed(value.toString()));
        }
    }

    /**
     * Replaces unpaired surrogates, which cannot be encoded in UTF-8 (jackson would write
     * bytes no parser accepts), with U+FFFD.
     */
    static String wellFormed(String s) {
        StringBuilder out = null;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(n).append(s, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    private static void writeFloating(JsonGenerator g, double d) throws IOException {
        if (Double.isFinite(d)) {
            g.writeNumber(d);
        } else {
            g.writeString(Double.toString(d)); // JSON has no NaN or infinity
        }
    }
}
