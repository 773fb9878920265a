package dev.dbsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SqlNameTest {
    @Test
    void foldsAsciiLettersOnly() {
        assertThat(SqlName.fold("Users_ID9")).isEqualTo("users_id9");
        assertThat(SqlName.same("USERS", "users")).isTrue();
        assertThat(SqlName.of("Users")).isEqualTo(SqlName.of("uSERS")).hasSameHashCodeAs(SqlName.of("uSERS"));
        assertThat(SqlName.of("Users").compareTo(SqlName.of("USERS"))).isZero();
        assertThat(SqlName.of("Users").toString()).isEqualTo("Users");
        assertThat(SqlName.of("Users").matches("USERS")).isTrue();
    }

    @Test
    void keepsApartWhatJavaCaseFoldingMerges() {
        // pairs Java's equalsIgnoreCase or toLowerCase(Locale.ROOT) calls equal; SQLite does not
        List<String[]> pairs = List.of(new String[] {"key", "\u212Aey"}, new String[] {"KEY", "\u212Aey"},
                new String[] {"ssn", "\u017Fsn"}, new String[] {"SSN", "\u017Fsn"}, new String[] {"é", "É"},
                new String[] {"id", "\u0131d"}, new String[] {"ID", "\u0131d"}, new String[] {"Straße", "STRASSE"},
                new String[] {"ǅ", "ǆ"});
        for (String[] p : pairs) {
            assertThat(SqlName.same(p[0], p[1])).as("%s vs %s", p[0], p[1]).isFalse();
            assertThat(SqlName.of(p[0])).isNotEqualTo(SqlName.of(p[1]));
        }
        assertThat(SqlName.fold("\u212A\u017FÉ")).isEqualTo("\u212A\u017FÉ");
        Set<SqlName> set = new HashSet<>(List.of(SqlName.of("é"), SqlName.of("É"), SqlName.of("E")));
        assertThat(set).hasSize(3).contains(SqlName.of("e"));
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> SqlName.of(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void specNamesAreDuplicatesExactlyWhenSqliteSaysSo() {
        assertThat(FilterSpec.builder().fullTables("é", "É", "key", "\u212Aey").views("v", "\u0131").build()
                .fullTables()).hasSize(4);
        assertThatThrownBy(() -> FilterSpec.builder().fullTables("Users").filteredTable("USERS", "1").build())
                .isInstanceOfSatisfying(FilterException.class, e -> {
                    assertThat(e.table()).contains("USERS");
                    assertThat(e.getMessage()).contains("'Users' (in fullTables)").contains("'USERS' (in filteredTables)");
                });
        assertThatThrownBy(() -> FilterSpec.builder().views("Names", "nAMES").build())
                .isInstanceOf(FilterException.class).hasMessageContaining("'Names'").hasMessageContaining("'nAMES'")
                .hasMessageContaining("view");
    }
}
