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
import dev.dbsync.api.RejectReason;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * JSON bodies of the v2 frames (see {@code docs/protocol.md}). Decoding is strict about known
 * fields (types, duplicates, required ones, value sets) and ignores unknown top-level fields,
 * so later versions may add some.
 */
public final class V2Json {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8).maxNumberLength(64).maxStringLength(1 << 20).build())
            .build();
    private static final Pattern HASH_OR_EMPTY = Pattern.compile("([0-9a-f]{64})?");
    private static final int MAX_MESSAGE = 1024;
    private static final int MAX_ENCODINGS = 16;

    private V2Json() {
    }

    /**
     * @param offer an offer
     * @return its JSON body
     */
    public static byte[] encodeOffer(Offer offer) {
        return write(g -> {
            SnapshotMeta m = offer.meta();
            g.writeNumberField("version", m.version());
            g.writeStringField("hash", m.hash());
            g.writeNumberField("size", m.size());
            g.writeNumberField("timestamp", m.timestamp());
            g.writeBooleanField("compressed", false);
            g.writeArrayFieldStart("encodings");
            for (String e : offer.encodings()) {
                g.writeString(e);
            }
            g.writeEndArray();
            g.writeStringField("payload", offer.payload());
            if (offer.pageSize() != 0) {
                g.writeNumberField("page_size", offer.pageSize());
            }
        });
    }

    /**
     * Decodes an offer: the meta fields as in v1 (via {@link MetaJson}), {@code encodings}
     * (required, 1 to 16 strings), {@code payload} (optional, default {@value Offer#FULL}) and
     * {@code page_size} (optional, a power of two from 512 to 65536).
     *
     * @param json the body
     * @param offset the stream offset of the body
     * @return the offer
     * @throws ProtocolException if the body is malformed
     */
    public static Offer decodeOffer(byte[] json, long offset) {
        SnapshotMeta meta = MetaJson.decode(json, offset).withCompressed(false);
        Map<String, Object> fields = parse(json, offset);
        Object enc = fields.get("encodings");
        if (!(enc instanceof List<?> list)) {
            throw new ProtocolException(offset, "offer field 'encodings' is missing or not an array of strings");
        }
        if (list.isEmpty() || list.size() > MAX_ENCODINGS) {
            throw new ProtocolException(offset, "offer field 'encodings' must hold 1 to " + MAX_ENCODINGS + " names");
        }
        List<String> encodings = new ArrayList<>();
        for (Object o : list) {
            encodings.add((String) o);
        }
        Object payload = fields.getOrDefault("payload", Offer.FULL);
        if (!(payload instanceof String p) || p.isEmpty()) {
            throw new ProtocolException(offset, "offer field 'payload' must be a non-empty string");
        }
        Object pageSize = fields.get("page_size");
        int ps = 0;
        if (pageSize != null) {
            if (!(pageSize instanceof Long l) || !PageDelta.isPageSize(l)) {
                throw new ProtocolException(offset, "offer field 'page_size' must be a power of two from 512 to 65536");
            }
            ps = (int) (long) l;
        }
        return new Offer(meta, encodings, p, ps);
    }

    /**
     * @param a an answer
     * @return its JSON body
     */
    public static byte[] encodeAnswer(Answer a) {
        return write(g -> {
            g.writeStringField("action", a.action().name().toLowerCase(Locale.ROOT));
            if (a.encoding().isPresent()) {
                g.writeStringField("encoding", a.encoding().get().wire());
            }
            if (a.reason().isPresent()) {
                g.writeStringField("reason", a.reason().get().code());
                g.writeStringField("message", clip(a.message()));
            }
            g.writeNumberField("served_version", a.servedVersion());
            g.writeStringField("served_hash", a.servedHash());
        });
    }

    /**
     * @param json the body
     * @param offset the stream offset of the body
     * @return the answer
     * @throws ProtocolException if the body is malformed or names an unknown action, encoding or reason
     */
    public static Answer decodeAnswer(byte[] json, long offset) {
        Map<String, Object> f = parse(json, offset);
        String action = string(f, "action", true, offset);
        long servedVersion = number(f, "served_version", offset);
        String servedHash = hash(f, "served_hash", offset);
        switch (action) {
            case "send" -> {
                String name = string(f, "encoding", true, offset);
                Encoding e = Encoding.fromWire(name).orElseThrow(() ->
                        new ProtocolException(offset, "answer names an unknown encoding '" + clip(name) + "'"));
                return Answer.send(e, servedVersion, servedHash);
            }
            case "skip" -> {
                return Answer.skip(servedVersion, servedHash);
            }
            case "reject" -> {
                String code = string(f, "reason", true, offset);
                RejectReason r = RejectReason.fromCode(code).filter(RejectReason::isAnswerReason).orElseThrow(() ->
                        new ProtocolException(offset, "answer names an unknown reject reason '" + clip(code) + "'"));
                String message = Optional.ofNullable(string(f, "message", false, offset)).orElse("");
                return Answer.reject(r, message, servedVersion, servedHash);
            }
            default -> throw new ProtocolException(offset, "answer has an unknown action '" + clip(action) + "'");
        }
    }

    /**
     * @param a an acknowledgement
     * @return its JSON body
     */
    public static byte[] encodeAck(Ack a) {
        return write(g -> {
            g.writeBooleanField("ok", a.ok());
            g.writeNumberField("version", a.version());
            g.writeStringField("hash", a.hash());
            if (a.error().isPresent()) {
                g.writeObjectFieldStart("error");
                g.writeStringField("code", a.error().get().code());
                g.writeStringField("message", clip(a.message()));
                g.writeEndObject();
            }
        });
    }

    /**
     * @param json the body
     * @param offset the stream offset of the body
     * @return the acknowledgement
     * @throws ProtocolException if the body is malformed
     */
    public static Ack decodeAck(byte[] json, long offset) {
        Map<String, Object> f = parse(json, offset);
        Object ok = f.get("ok");
        if (!(ok instanceof Boolean isOk)) {
            throw new ProtocolException(offset, "ack field 'ok' is missing or not a boolean");
        }
        long version = number(f, "version", offset);
        String hash = hash(f, "hash", offset);
        Object error = f.get("error");
        if (isOk) {
            if (error != null) {
                throw new ProtocolException(offset, "ack is ok but carries an error");
            }
            return new Ack(true, version, hash, Optional.empty(), "");
        }
        if (!(error instanceof Map<?, ?> e) || !(e.get("code") instanceof String code)) {
            throw new ProtocolException(offset, "ack is not ok but has no error object with a 'code'");
        }
        RejectReason r = RejectReason.fromCode(code).orElseThrow(() ->
                new ProtocolException(offset, "ack names an unknown error code '" + clip(code) + "'"));
        Object message = e.get("message");
        return new Ack(false, version, hash, Optional.of(r), message instanceof String s ? s : "");
    }

    private static String clip(String s) {
        return s.length() > MAX_MESSAGE ? s.substring(0, MAX_MESSAGE) : s;
    }

    private static String string(Map<String, Object> f, String name, boolean required, long offset) {
        Object v = f.get(name);
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new ProtocolException(offset, "field '" + name + "' is missing or not a string");
        }
        return s;
    }

    private static long number(Map<String, Object> f, String name, long offset) {
        if (!(f.get(name) instanceof Long l)) {
            throw new ProtocolException(offset, "field '" + name + "' is missing or not a 64-bit integer");
        }
        return l;
    }

    private static String hash(Map<String, Object> f, String name, long offset) {
        String h = string(f, name, true, offset);
        if (!HASH_OR_EMPTY.matcher(h).matches()) {
            throw new ProtocolException(offset, "field '" + name + "' is neither empty nor 64 lowercase hex digits");
        }
        return h;
    }

    /**
     * Parses a flat JSON object: values are strings, 64-bit integers, booleans, null, arrays
     * of strings, or (one level) objects of strings; anything else is kept as a marker and
     * only fails if the field is one we read.
     */
    private static Map<String, Object> parse(byte[] json, long offset) {
        Map<String, Object> out = new HashMap<>();
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ProtocolException(offset, "frame body is not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                out.put(name, value(p, v, 0));
            }
            if (t != JsonToken.END_OBJECT) {
                throw new ProtocolException(offset, "frame body JSON is incomplete");
            }
            if (p.nextToken() != null) {
                throw new ProtocolException(offset, "frame body has trailing content after the object");
            }
        } catch (JsonProcessingException e) {
            throw new ProtocolException(offset, "frame body is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ProtocolException(offset, "frame body cannot be read: " + e.getMessage(), e);
        }
        return out;
    }

    private static Object value(JsonParser p, JsonToken v, int depth) throws IOException {
        switch (v) {
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                JsonParser.NumberType type = p.getNumberType();
                return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG
                        ? (Object) p.getLongValue() : Unsupported.VALUE;
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                JsonToken t;
                boolean strings = true;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.VALUE_STRING) {
                        strings = false;
                        p.skipChildren();
                    } else if (list.size() <= MAX_ENCODINGS) {
                        list.add(p.getText());
                    }
                }
                return strings ? list : Unsupported.VALUE;
            }
            case START_OBJECT: {
                if (depth > 0) {
                    p.skipChildren();
                    return Unsupported.VALUE;
                }
                Map<String, Object> m = new HashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    m.put(name, value(p, p.nextToken(), depth + 1));
                }
                return m;
            }
            default:
                return Unsupported.VALUE;
        }
    }

    /** Marks a value of a shape no known field has. */
    private enum Unsupported {
        VALUE
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
