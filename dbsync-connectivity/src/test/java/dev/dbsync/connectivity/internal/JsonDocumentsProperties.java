package dev.dbsync.connectivity.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonDocumentsProperties {

    @Provide
    Arbitrary<Map<String, Object>> documents() {
        Arbitrary<String> texts = Arbitraries.strings().all().ofMaxLength(20)
                .filter(s -> StandardCharsets.UTF_8.newEncoder().canEncode(s)); // no unpaired surrogates
        Arbitrary<Object> scalars = Arbitraries.oneOf(
                texts.map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.of(true, false).map(b -> (Object) b));
        return Arbitraries.maps(texts, scalars).ofMaxSize(8)
                .map(LinkedHashMap::new);
    }

    @Property(tries = 100)
    void everyWrittenStatusIsOneJsonObjectThatReadsBackTheSame(@ForAll("documents") Map<String, Object> doc)
            throws Exception {
        byte[] json = JsonDocuments.write(doc);
        String text = new String(json, StandardCharsets.UTF_8);
        assertThat(JsonDocuments.objectProblem(text)).isEmpty();

        Map<String, Object> back = new LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                back.put(key, switch (t) {
                    case VALUE_STRING -> p.getText();
                    case VALUE_NUMBER_INT -> p.getLongValue();
                    case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
                    default -> throw new AssertionError("unexpected " + t);
                });
            }
        }
        assertThat(back).containsExactlyEntriesOf(doc);
    }

    @Example
    void unpairedSurrogatesAreWrittenAsReplacementCharacters() throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("k\uD800", "v\uDC00w\uD83D\uDE00");
        byte[] json = JsonDocuments.write(doc);
        try (JsonParser p = new JsonFactory().createParser(json)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            assertThat(p.nextToken()).isEqualTo(JsonToken.FIELD_NAME);
            assertThat(p.currentName()).isEqualTo("k\uFFFD");
            p.nextToken();
            assertThat(p.getText()).isEqualTo("v\uFFFDw\uD83D\uDE00");
        }
    }

    @Property(tries = 300)
    void anyTextIsEitherOneObjectOrAProblemNeverAnException(@ForAll String text) {
        assertThat(JsonDocuments.objectProblem(text)).isNotNull();
    }
}
