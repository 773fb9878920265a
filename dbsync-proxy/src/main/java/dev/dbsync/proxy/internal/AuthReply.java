package dev.dbsync.proxy.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The back office's answer to an auth call: {@code {ok, token, user_id, error, code, flash,
 * redirect}}. Unknown members are ignored; string members may also be numbers (kept as text)
 * or null. Anything else — not an object, {@code ok} not a boolean, trailing data — is
 * malformed.
 *
 * @param ok whether the BO accepted the request
 * @param token the session token (login)
 * @param userId the user's id
 * @param error an error text for the user
 * @param code a machine-readable error code
 * @param flash a success text for the user
 * @param redirect where the BO suggests to go next
 */
public record AuthReply(boolean ok, Optional<String> token, Optional<String> userId, Optional<String> error,
        Optional<String> code, Optional<String> flash, Optional<String> redirect) {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(64 * 1024).build())
            .build();

    /** The BO's answer is not the JSON object expected. */
    public static final class MalformedReplyException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedReplyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Parses a reply.
     *
     * @param body the response body (already bounded in size)
     * @return the reply
     * @throws MalformedReplyException if the body is not the expected JSON object
     */
    public static AuthReply parse(byte[] body) throws MalformedReplyException {
        Boolean ok = null;
        String token = null;
        String userId = null;
        String error = null;
        String code = null;
        String flash = null;
        String redirect = null;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedReplyException("not a JSON object", null);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "ok" -> {
                        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
                            throw new MalformedReplyException("'ok' is not a boolean", null);
                        }
                        ok = value == JsonToken.VALUE_TRUE;
                    }
                    case "token" -> token = text(p, value);
                    case "user_id" -> userId = text(p, value);
                    case "error" -> error = text(p, value);
                    case "code" -> code = text(p, value);
                    case "flash" -> flash = text(p, value);
                    case "redirect" -> redirect = text(p, value);
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new MalformedReplyException("trailing data after the JSON object", null);
            }
        } catch (IOException e) {
            throw new MalformedReplyException("invalid JSON: " + e.getMessage(), e);
        }
        if (ok == null) {
            throw new MalformedReplyException("no 'ok' member", null);
        }
        return new AuthReply(ok, nonEmpty(token), nonEmpty(userId), nonEmpty(error), nonEmpty(code), nonEmpty(flash),
                nonEmpty(redirect));
    }

    private static String text(JsonParser p, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getText();
            case VALUE_NULL -> null;
            default -> {
                p.skipChildren();
                yield null;
            }
        };
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /**
     * Writes a flat JSON object of string members (absent values as empty strings).
     *
     * @param members the members, in order
     * @return UTF-8 JSON
     */
    public static byte[] requestJson(Map<String, String> members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, String> e : members.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue() == null ? "" : e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
