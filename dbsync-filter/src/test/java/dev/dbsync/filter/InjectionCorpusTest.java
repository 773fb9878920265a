package dev.dbsync.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plain-text corpora in the test resources: every known SQL-injection payload adapted to
 * SQLite ({@code injection-payloads.txt}) is refused naming the table, the token and its
 * position; every legitimate example ({@code legitimate-clauses.txt}, including those of the
 * original Go documentation) is accepted.
 */
class InjectionCorpusTest {

    static List<String> payloads() throws IOException {
        return lines("injection-payloads.txt");
    }

    static List<String> legitimate() throws IOException {
        return lines("legitimate-clauses.txt");
    }

    private static List<String> lines(String resource) throws IOException {
        try (InputStream in = InjectionCorpusTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            List<String> lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
            assertThat(lines).hasSizeGreaterThan(20);
            return lines;
        }
    }

    @ParameterizedTest
    @MethodSource("payloads")
    void refusesInjectionPayload(String payload) {
        FilterException e = catchThrowableOfType(FilterException.class,
                () -> FilterValidator.validate(FilterSpec.builder().filteredTable("users", payload).build()));
        assertThat(e).as("accepted: %s", payload).isNotNull();
        ClauseMutationProperties.assertNamesTableTokenAndPosition(e, "users", payload);
    }

    @ParameterizedTest
    @MethodSource("legitimate")
    void acceptsLegitimateClause(String clause) {
        FilterSpec spec = FilterSpec.builder().filteredTable("posts", clause)
                .partialTable("users", dev.dbsync.api.PartialTable.where(clause, "user_id")).build();
        assertThatCode(() -> FilterValidator.validate(spec)).doesNotThrowAnyException();
    }
}
