package dev.dbsync.testkit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForeignProgramTest {

    @Test
    void runsAProgramOfThePathAndReturnsWhatItPrinted() {
        ForeignProgram sh = ForeignProgram.onPath("sh").orElseThrow();
        assertThat(sh.executable()).isAbsolute();
        assertThat(sh.run("-c", "echo out; echo err >&2")).isEqualTo("out\nerr");
    }

    @Test
    void aNonZeroExitIsAnErrorNamingTheCommandItsCodeAndOutput() {
        ForeignProgram sh = ForeignProgram.onPath("sh").orElseThrow();
        assertThatThrownBy(() -> sh.run("-c", "echo no such table >&2; exit 3"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exit 3").hasMessageContaining("exited 3: no such table");
    }

    @Test
    void aProgramNotOnThePathIsAbsent() {
        assertThat(ForeignProgram.onPath("dbsync-no-such-program")).isEmpty();
    }
}
