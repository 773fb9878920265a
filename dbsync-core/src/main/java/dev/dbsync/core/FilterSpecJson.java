package dev.dbsync.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import dev.dbsync.api.HeaderField;
import dev.dbsync.api.PartialTable;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The FilterSpec file format, JSON with exactly these keys, all optional:
 *
 * <pre>{@code
 * {
 *   "fullTables": ["badges", "categories"],
 *   "filteredTables": {"posts": "visibility = 'public'"},
 *   "partialTables": {"users": {"columns": ["user_id", "username"], "where": "is_active = 1"}},
 *   "views": ["public_posts"],
 *   "header": ["user_version"]
 * }
 * }</pre>
 *
 * <p>{@code header} lists the fields of the SQLite header copied from the source
 * ({@code user_version}, {@code application_id}, see {@link HeaderField}); the others are 0.
 *
 * <p>Reading is strict: an unknown key, a value of the wrong type, a duplicate key or
 * malformed JSON is a {@link FilterException} whose message names the file and the JSON path
 * of the offending key (e.g. {@code $.partialTables.users.columns[1]}). A spec is built only
 * once the whole document is valid: nothing is ever partially applied.
 */
public final class FilterSpecJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16)
                    .maxStringLength(4 << 20).maxDocumentLength(16L << 20).build())
            .build();

    private FilterSpecJson() {
    }

    /**
     * Reads a FilterSpec file.
     *
     * @param file the JSON file
     * @return the spec
     * @throws FilterException naming the file and the offending key, or the I/O problem
     */
    public static FilterSpec read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FilterException(null, null, -1, file + ": cannot read the filter file: " + e, e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses a FilterSpec document.
     *
     * @param json the document
     * @param source a name for the document used in messages (e.g. its file name)
     * @return the spec
     * @throws FilterException naming the source and the offending key
     */
    public static FilterSpec parse(String json, String source) {
        try (JsonParser p = FACTORY.createParser(json)) {
            FilterSpec.Builder b = FilterSpec.builder();
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw error(source, "$", "the document must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                String path = "$." + key;
                switch (key) {
                    case "fullTables" -> b.fullTables(strings(p, source, path));
                    case "views" -> b.views(strings(p, source, path).toArray(String[]::new));
                    case "header" -> b.headerFields(headerFields(p, source, path));
                    case "filteredTables" -> {
                        expect(p, JsonToken.START_OBJECT, source, path, "an object of table name to WHERE clause");
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String table = p.currentName();
                            p.nextToken();
                            b.filteredTable(table, string(p, source, path + "." + table));
                        }
                    }
                    case "partialTables" -> {
                        expect(p, JsonToken.START_OBJECT, source, path, "an object of table name to {columns, where}");
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String table = p.currentName();
                            p.nextToken();
                            b.partialTable(table, partial(p, source, path + "." + table));
                        }
                    }
                    default -> throw error(source, path, "unknown key '" + key
                            + "' (expected fullTables, filteredTables, partialTables, views or header)");
                }
            }
            if (p.nextToken() != null) {
                throw error(source, "$", "unexpected content after the document");
            }
            try {
                return b.build();
            } catch (FilterException e) {
                throw new FilterException(e.table().orElse(null), null, -1, source + ": " + e.getMessage(), e);
            }
        } catch (JsonProcessingException e) {
            // limit violations (StreamConstraintsException: string, number or document too long)
            // carry no location
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new FilterException(null, null, -1, source + ": not valid JSON" + where + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PartialTable partial(JsonParser p, String source, String path) throws IOException {
        expect(p, JsonToken.START_OBJECT, source, path, "an object with 'columns' and optional 'where'");
        List<String> columns = null;
        String where = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            switch (key) {
                case "columns" -> columns = strings(p, source, path + ".columns");
                case "where" -> where = string(p, source, path + ".where");
                default -> throw error(source, path + "." + key, "unknown key '" + key + "' (expected columns or where)");
            }
        }
        if (columns == null || columns.isEmpty()) {
            throw error(source, path + ".columns", "a partial table needs a non-empty 'columns' list");
        }
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).isBlank()) {
                // checked here, not only by PartialTable, so the message names the file and the key
                throw error(source, path + ".columns[" + i + "]", "a column name must not be blank");
            }
        }
        return new PartialTable(columns, where);
    }

    private static HeaderField[] headerFields(JsonParser p, String source, String path) throws IOException {
        List<String> names = strings(p, source, path);
        List<HeaderField> fields = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String at = path + "[" + i + "]";
            String name = names.get(i);
            HeaderField f = HeaderField.ofPragma(name).orElseThrow(() -> error(source, at,
                    "unknown header field '" + name + "' (expected user_version or application_id)"));
            if (fields.contains(f)) {
                throw error(source, at, "header field '" + name + "' is listed twice");
            }
            fields.add(f);
        }
        return fields.toArray(HeaderField[]::new);
    }

    private static List<String> strings(JsonParser p, String source, String path) throws IOException {
        expect(p, JsonToken.START_ARRAY, source, path, "a list of strings");
        List<String> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            out.add(string(p, source, path + "[" + out.size() + "]"));
        }
        return out;
    }

    private static String string(JsonParser p, String source, String path) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw error(source, path, "expected a string, got " + describe(p.currentToken()));
        }
        return p.getText();
    }

    private static void expect(JsonParser p, JsonToken token, String source, String path, String what) {
        if (p.currentToken() != token) {
            throw error(source, path, "expected " + what + ", got " + describe(p.currentToken()));
        }
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "the end of the document";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    private static FilterException error(String source, String path, String message) {
        return new FilterException(null, null, -1, source + ": " + path + ": " + message);
    }

    /**
     * Writes a spec in the file format, keys in the documented order.
     *
     * @param spec the spec
     * @return the JSON document
     */
    public static String write(FilterSpec spec) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out).useDefaultPrettyPrinter()) {
            g.writeStartObject();
            g.writeArrayFieldStart("fullTables");
            for (String t : spec.fullTables()) {
                g.writeString(t);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("filteredTables");
            for (var e : spec.filteredTables().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("partialTables");
            for (var e : spec.partialTables().entrySet()) {
                g.writeObjectFieldStart(e.getKey());
                g.writeArrayFieldStart("columns");
                for (String c : e.getValue().columns()) {
                    g.writeString(c);
                }
                g.writeEndArray();
                if (e.getValue().hasWhere()) {
                    g.writeStringField("where", e.getValue().where());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeArrayFieldStart("views");
            for (String v : spec.views()) {
                g.writeString(v);
            }
            g.writeEndArray();
            if (!spec.headerFields().isEmpty()) {
                g.writeArrayFieldStart("header");
                for (HeaderField f : spec.headerFields()) {
                    g.writeString(f.pragma());
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
