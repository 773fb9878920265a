package dev.dbsync.cli;

import dev.dbsync.testkit.ForeignProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static dev.dbsync.cli.DaemonsIT.freeTcpPort;
import static dev.dbsync.cli.DaemonsIT.freeUdpPort;
import static dev.dbsync.cli.DaemonsIT.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The README's daemon walkthrough ("Running the daemons"), its commands read from README.md and
 * run in process with the demo's back office (a WAL-mode database), then written by the
 * {@code sqlite3} shell: a new process per write, opening, inserting a public post and exiting.
 * Every write must reach the front office, checked by querying its database. Only the ports
 * (free ones instead of 9443, 8080 and 8081) and the directories differ from the README;
 * {@code .ci/readme-daemons} runs the walkthrough literally.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadmeWalkthroughIT {
    private static final int WRITES = 20;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration PER_WRITE = Duration.ofSeconds(20);
    private static final Set<String> PATH_FLAGS = Set.of("--db", "--filter", "--cert", "--key", "--ca", "--client-ca",
            "--save", "--routes-db");

    @TempDir
    Path dir;

    @Test
    void theDaemonWalkthroughReplicatesEverySqlite3WriteToAWalBackOffice() throws Exception {
        ForeignProgram shell = ForeignProgram.onPath("sqlite3").orElse(null);
        assumeTrue(shell != null, "the sqlite3 shell is not installed (.ci/run installs it)");
        String walkthrough = walkthrough();
        // what `./dbsync demo --keep` leaves in $D
        Path demo = dir.resolve("dbsync-demo");
        Path forum = demo.resolve("bo").resolve("forum.db");
        Files.createDirectories(forum.getParent());
        ForumDatabase.create(forum);
        assertThat(CliRun.of("gencerts", "--out", demo.resolve("certs").toString()).code()).isZero();
        assertThat(shell.sqlite3(forum, "PRAGMA journal_mode")).as("the demo's back office").isEqualTo("wal");

        Files.writeString(dir.resolve("spec.json"), heredoc(walkthrough, "cat > spec.json <<'EOF'"));
        int quic = freeUdpPort();
        Map<String, String> ports = Map.of("9443", String.valueOf(quic), "8080", String.valueOf(freeTcpPort()),
                "8081", String.valueOf(freeTcpPort()));
        CliRun validate = CliRun.of(command(walkthrough, "validate-filter", demo, ports));
        assertThat(validate.code()).as("validate-filter: %s", validate.err()).isZero();

        int subStatus = Integer.parseInt(ports.get("8081"));
        int pubStatus = Integer.parseInt(ports.get("8080"));
        DaemonsIT.Running sub = new DaemonsIT.Running("subscribe", command(walkthrough, "subscribe", demo, ports));
        DaemonsIT.Running pub = null;
        try {
            assertThat(eventually(WAIT, () -> get(subStatus, "/status").contains("\"role\" : \"subscriber\"")))
                    .as("subscriber up: %s %s", sub.out, sub.err).isTrue();
            pub = new DaemonsIT.Running("publish", command(walkthrough, "publish", demo, ports));
            DaemonsIT.Running publisher = pub;
            assertThat(eventually(WAIT, () -> get(pubStatus, "/status").contains("\"up_to_date\" : true")))
                    .as("first delivery: %s %s", publisher.out, publisher.err).isTrue();

            Path fo = dir.resolve("fo").resolve("public.db");
            for (int i = 1; i <= WRITES; i++) {
                String title = "Walkthrough write " + i;
                shell.sqlite3(forum, "INSERT INTO posts(user_id, title, body, visibility, created_at) "
                        + "VALUES (1, '" + title + "', 'Written by the sqlite3 shell.', 'public', unixepoch())");
                assertThat(eventually(PER_WRITE, () -> serves(shell, fo, title)))
                        .as("write %d of %d (sqlite3 shell, WAL): '%s' did not reach the front office within %s; "
                                + "publisher status %s", i, WRITES, title, PER_WRITE, get(pubStatus, "/status"))
                        .isTrue();
            }
            assertThat(CliRun.of("verify", fo.toString()).code()).as("the served file is intact").isZero();
            assertThat(pub.stop()).isZero();
            pub = null;
            assertThat(sub.stop()).isZero();
        } finally {
            if (pub != null) {
                pub.stop();
            }
            if (sub.thread.isAlive()) {
                sub.stop();
            }
        }
    }

    /** The front office's database, queried by another process, holds the post titled {@code title}. */
    private static boolean serves(ForeignProgram shell, Path fo, String title) {
        if (!Files.exists(fo)) {
            return false;
        }
        try {
            return shell.run("-readonly", fo.toString(), "SELECT COUNT(*) FROM posts WHERE title = '" + title + "'")
                    .equals("1");
        } catch (IllegalStateException e) {
            return false; // e.g. read while the first snapshot was being swapped in
        }
    }

    /** @return the sh block of the README's "Running the daemons" section */
    private static String walkthrough() throws IOException {
        Path readme = Path.of("").toAbsolutePath().getParent().resolve("README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int section = text.indexOf("\n## Running the daemons\n");
        assertThat(section).as("%s has a section 'Running the daemons'", readme).isNotNegative();
        int start = text.indexOf("```sh\n", section) + "```sh\n".length();
        return text.substring(start, text.indexOf("\n```", start)).replace("\\\n", " ");
    }

    /** @return the lines after {@code opening} up to {@code EOF} */
    private static String heredoc(String block, String opening) {
        int start = block.indexOf(opening + "\n");
        assertThat(start).as("the walkthrough has a line %s", opening).isNotNegative();
        start += opening.length() + 1;
        return block.substring(start, block.indexOf("\nEOF\n", start) + 1);
    }

    /**
     * @return the arguments of the walkthrough's {@code ./dbsync NAME …} line, with {@code $D}
     *     the demo's directory, relative paths resolved in the test's directory and the README's
     *     ports mapped to free ones
     */
    private String[] command(String block, String name, Path demo, Map<String, String> ports) {
        String line = block.lines().filter(l -> l.startsWith("./dbsync " + name + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("the walkthrough has no ./dbsync " + name + " line"));
        int comment = line.indexOf(" #");
        line = (comment < 0 ? line : line.substring(0, comment)).strip();
        line = line.endsWith("&") ? line.substring(0, line.length() - 1) : line;
        List<String> args = new ArrayList<>(Arrays.asList(line.substring("./dbsync ".length()).trim().split("\\s+")));
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i).replace("$D", demo.toString());
            for (Map.Entry<String, String> p : ports.entrySet()) {
                if (a.equals(p.getKey()) || a.endsWith(":" + p.getKey())) {
                    a = a.substring(0, a.length() - p.getKey().length()) + p.getValue();
                }
            }
            boolean pathValue = i > 0 && PATH_FLAGS.contains(args.get(i - 1)) || name.equals("validate-filter") && i == 1;
            if (pathValue && !Path.of(a).isAbsolute()) {
                a = dir.resolve(a).toString();
            }
            args.set(i, a);
        }
        return args.toArray(String[]::new);
    }

    private static boolean eventually(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }
}
