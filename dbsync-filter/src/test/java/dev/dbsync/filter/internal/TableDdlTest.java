package dev.dbsync.filter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class TableDdlTest {
    private static Predicate<String> blanked(String... names) {
        Set<String> set = Set.of(names);
        return n -> set.contains(n.toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void dropsOnlyUniqueCheckAndPrimaryKeyConstraintsOfBlankedColumns() {
        String ddl = "CREATE TABLE t (id INTEGER PRIMARY KEY, \"e mail\" TEXT NOT NULL CONSTRAINT u UNIQUE ON CONFLICT"
                + " IGNORE DEFAULT 'x' CHECK (length(\"e mail\") > 1) COLLATE NOCASE, code TEXT PRIMARY KEY_X,"
                + " name TEXT UNIQUE, UNIQUE (name, \"e mail\"), CHECK (name <> ''), FOREIGN KEY (code) REFERENCES o(c))";
        ddl = ddl.replace(" KEY_X", " KEY");
        String out = TableDdl.withoutBlankedConstraints(ddl, blanked("e mail", "code"), "id");
        assertThat(out).isEqualTo("CREATE TABLE t (id INTEGER PRIMARY KEY, \"e mail\" TEXT NOT NULL DEFAULT 'x'"
                + " COLLATE NOCASE, code TEXT, name TEXT UNIQUE, CHECK (name <> ''),"
                + " FOREIGN KEY (code) REFERENCES o(c))");
    }

    @Test
    void keepsTheRowidAliasPrimaryKeyAndTableOptions() {
        String ddl = "CREATE TABLE t (id INTEGER NOT NULL, v INT UNIQUE, PRIMARY KEY (id)) STRICT";
        assertThat(TableDdl.withoutBlankedConstraints(ddl, blanked("id", "v"), "id"))
                .isEqualTo("CREATE TABLE t (id INTEGER NOT NULL, v INT, PRIMARY KEY (id)) STRICT");
    }
}
