package dev.dbsync.cli;

import dev.dbsync.api.transport.Transport;
import dev.dbsync.core.Transports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo end to end, for each QUIC transport that can run here: netty with both outputs, kwik
 * with the text output (each run costs seconds).
 */
@Timeout(150)
class DemoCommandIT {
    static Stream<Arguments> runs() {
        return Transports.all().stream().filter(Transport::isAvailable).map(Transport::name)
                .filter(n -> n.equals("netty") || n.equals("kwik"))
                .flatMap(n -> n.equals("netty") ? Stream.of(Arguments.of(n, true), Arguments.of(n, false))
                        : Stream.of(Arguments.of(n, false)));
    }

    @ParameterizedTest(name = "{0}, json={1}")
    @MethodSource("runs")
    void replicatesFollowsWritesAndLeaksNothing(String transport, boolean json) throws Exception {
        CliRun r = json ? CliRun.of("demo", "--json", "--keep", "--transport", transport)
                : CliRun.of("demo", "--keep", "--transport", transport);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        String out = r.out();
        Path kept;
        if (json) {
            assertThat(out).startsWith("{\n  \"ok\" : true").contains("\"transport\" : \"" + transport + "\"")
                    .contains("\"mutual_tls\" : " + !transport.equals("kwik"))
                    .contains("\"private_posts\" : 0").contains("\"emails\" : 0").contains("\"password_hashes\" : 0")
                    .contains("\"audit_log_tables\" : 0").contains("\"secret_strings_in_file\" : 0");
            assertThat(out.split("\"latency_ms\"", -1)).as("three published writes").hasSize(4);
            Matcher m = Pattern.compile("\"dir\" : \"([^\"]+)\"").matcher(out);
            assertThat(m.find()).isTrue();
            kept = Path.of(m.group(1));
        } else {
            assertThat(out).contains("over QUIC (" + transport + ")")
                    .containsPattern("posts\\s+8\\s+4").containsPattern("audit_log\\s+0\\s+18")
                    .containsPattern("private posts\\s+0").contains("audit_log table                        absent")
                    .contains("OK: the front office serves the public data only.");
            if (transport.equals("kwik")) {
                assertThat(out).contains("server-only: kwik cannot require client certificates");
            }
            assertThat(Pattern.compile("-> FO at version \\d+ after \\d+ ms").matcher(out).results().count())
                    .isEqualTo(3);
            Matcher m = Pattern.compile("Kept: (\\S+)").matcher(out);
            assertThat(m.find()).isTrue();
            kept = Path.of(m.group(1));
        }
        try {
            assertThat(kept.resolve("bo").resolve("forum.db")).isNotEmptyFile();
            assertThat(kept.resolve("certs").resolve("ca.pem")).isNotEmptyFile();
            CliRun v = CliRun.of("verify", "--json", kept.resolve("fo").resolve("forum.db").toString());
            assertThat(v.code()).as("the FO's file matches the meta it is served under: " + v.out()).isZero();
            assertThat(v.out()).doesNotContain("\"version\":null");
        } finally {
            try (Stream<Path> files = Files.walk(kept)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void anUnknownTransportIsAUsageError() {
        CliRun r = CliRun.of("demo", "--transport", "carrier-pigeon");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("dbsync demo: --transport carrier-pigeon: expected netty or kwik");
    }
}
