package dev.dbsync.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dbsync.api.FilterException;
import dev.dbsync.api.FilterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Counterexamples the clause properties found (shrunk by jqwik), kept as plain tests: each
 * failed before its fix in the filter engine.
 */
class ClauseRegressionTest {

    private static FilterException refusal(String clause) {
        FilterException e = catchThrowableOfType(FilterException.class,
                () -> FilterValidator.validate(FilterSpec.builder().filteredTable("items", clause).build()));
        assertThat(e).as("accepted: %s", clause).isNotNull();
        ClauseMutationProperties.assertNamesTableTokenAndPosition(e, "items", clause);
        return e;
    }

    /** Was: "function 'itEMS' is not allowed" at 0, naming the table instead of the called name. */
    @Test
    void qualifiedCallNamesTheCalledNameNotTheTable() {
        FilterException e = refusal("itEMS\t.   load_extension('evil.so') N in(  100, FAlse  )");
        assertThat(e.token()).contains("load_extension");
        assertThat(e.position()).isEqualTo(10);
        assertThat(refusal("\"readfile\"('/etc/passwd') = 1").token()).contains("\"readfile\"");
        assertThat(refusal("t.\"lower\"(x) = 1").token()).contains("\"lower\"");
    }

    /** Was: "unexpected token after the end of the expression" naming the NOT before the '?'. */
    @Test
    void tokenAfterNotIsScreenedItself() {
        FilterException e = refusal("`order` not   ?42 IN(TRUE)");
        assertThat(e.token()).contains("?42");
        assertThat(e.getMessage()).contains("parameters are not allowed");
        assertThat(refusal("n not ; between 1 and 2").token()).contains(";");
        assertThat(refusal("n NOT -- x\n IN (1)").token()).contains("-- x");
    }

    /**
     * Was accepted: SQLite stops reading SQL text at a NUL, so {@code 'x<NUL>'} is to SQLite an
     * unterminated literal ("unrecognized token"): the validator and SQLite disagreed on where
     * the literal ends. Now a NUL ends a quoted token unterminated, as in SQLite.
     */
    @Test
    void nulInsideQuotedTokenEndsItUnterminatedAsInSqlite() throws SQLException {
        for (String clause : new String[] {"a = 'x\u0000' OR 1", "'\u0000'", "\"n\u0000\" = 1", "[\u0000] = 1",
            "a = 'it''\u0000s'", "`a\u0000` = 1"}) {
            FilterException e = refusal(clause);
            assertThat(e.getMessage()).contains("unterminated literal");
            assertThat(e.token().get()).doesNotContain("\u0000");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE items(a)");
                assertThatThrownBy(() -> s.executeQuery("SELECT 1 FROM items WHERE (" + clause + ")"))
                        .hasMessageContaining("unrecognized token");
            }
        }
        assertThatCode(() -> FilterValidator.validate(FilterSpec.builder().filteredTable("items", "a = 'x\u0001'")
                .build())).doesNotThrowAnyException();
    }

    /**
     * Was accepted as the column name {@code <BOM>0x$}: SQLite skips a byte-order mark where a
     * token starts, as whitespace, and then reads {@code 0x$}, an unrecognized token. The two
     * tokenizers disagreed on where tokens start; now the lexer skips U+FEFF like SQLite does.
     */
    @Test
    void byteOrderMarkWhereATokenStartsIsWhitespaceAsInSqlite() {
        assertThat(refusal("\uFEFF0x$").token()).contains("0x$");
        assertThat(refusal("a =\uFEFF\uFEFFSELECT").token()).contains("SELECT");
        assertThat(refusal("(\uFEFFSELECT - 1)").token()).contains("SELECT");
        assertThatCode(() -> FilterValidator.validate(FilterSpec.builder()
                .filteredTable("items", "\uFEFFa\uFEFF=\uFEFF1 AND b\uFEFFc = 2").build())).doesNotThrowAnyException();
        assertThat(refusal("\uFEFF").getMessage()).endsWith("the WHERE clause is empty");
    }

    /** Found under -Pstress: the payload fits as a type name, the clause fails just after it. */
    @Test
    void functionNameAsCastTypeNameIsATypeNotACall() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items(a)");
            s.executeQuery("SELECT 1 FROM items WHERE (CAST(rowid AS INTEGER randomblob(8)) % 2)").close();
        }
        assertThatCode(() -> FilterValidator.validate(FilterSpec.builder()
                .filteredTable("items", "CAST(oid AS randomblob(8)) = 1").build())).doesNotThrowAnyException();
        assertThat(refusal("CAST (oid  as randomblob(8) UNSIGNED big INT\n) != 1").token()).contains("UNSIGNED");
        assertThatCode(() -> FilterValidator.validate(FilterSpec.builder()
                .filteredTable("items", "CAST( _ROwiD_ AS INTEGER  randomblob(8) ) % 2").build()))
                .doesNotThrowAnyException();
        assertThat(refusal("CAST(oid AS INTEGER randomblob(n)) = 1").token()).contains("n");
    }
}
