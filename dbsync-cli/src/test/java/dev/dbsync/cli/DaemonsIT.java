package dev.dbsync.cli;

import dev.dbsync.api.transport.Transport;
import dev.dbsync.connectivity.RoutesSchema;
import dev.dbsync.core.Transports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The publish and subscribe daemons in-process over netty with mutual TLS on loopback: they
 * replicate, follow a write, serve /status and /metrics, and stop cleanly when asked.
 */
@Timeout(120)
class DaemonsIT {
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    /** A command running on its own thread, as the daemon would in its JVM. */
    static final class Running {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final AtomicInteger code = new AtomicInteger(-1);
        final Thread thread;

        Running(String name, String... args) {
            thread = new Thread(() -> code.set(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args)),
                    "test-" + name);
            thread.start();
        }

        int stop() throws InterruptedException {
            thread.interrupt();
            thread.join(WAIT.toMillis());
            assertThat(thread.isAlive()).as("stopped within " + WAIT).isFalse();
            return code.get();
        }
    }

    @Test
    void publishAndSubscribeReplicateServeStatusAndMetricsAndStopCleanly() throws Exception {
        Transport netty = Transports.all().stream().filter(t -> t.name().equals("netty")).findFirst().orElseThrow();
        String transport = netty.isAvailable() ? "netty" : "kwik";
        boolean mutual = transport.equals("netty");
        Path certs = dir.resolve("certs");
        assertThat(CliRun.of("gencerts", "--out", certs.toString()).code()).isZero();
        Path bo = dir.resolve("bo.db");
        ForumDatabase.create(bo);
        Path spec = Files.writeString(dir.resolve("spec.json"), ValidateFilterCommandTest.FORUM_SPEC);
        int quicPort = freeUdpPort();
        int subStatus = freeTcpPort();
        int pubStatus = freeTcpPort();
        Path fo = dir.resolve("fo").resolve("forum.db");

        String[] subArgs = {"subscribe", "--db", fo.toString(), "--listen", "127.0.0.1:" + quicPort,
            "--cert", certs.resolve("server.pem").toString(), "--key", certs.resolve("server.key").toString(),
            "--transport", transport, "--status-port", String.valueOf(subStatus)};
        if (mutual) {
            subArgs = append(subArgs, "--client-ca", certs.resolve("ca.pem").toString());
        }
        Running sub = new Running("subscribe", subArgs);
        Running pub = null;
        try {
            assertThat(eventually(() -> get(subStatus, "/status").contains("\"role\" : \"subscriber\"")))
                    .as("subscriber status up: " + sub.out + sub.err).isTrue();
            String[] pubArgs = {"publish", "--db", bo.toString(), "--filter", spec.toString(),
                "--target", "fo-1=127.0.0.1:" + quicPort, "--ca", certs.resolve("ca.pem").toString(),
                "--transport", transport, "--status-port", String.valueOf(pubStatus), "--watch-interval", "50ms",
                "--gzip"};
            if (mutual) {
                pubArgs = append(pubArgs, "--cert", certs.resolve("client.pem").toString(),
                        "--key", certs.resolve("client.key").toString());
            }
            pub = new Running("publish", pubArgs);
            assertThat(eventually(() -> get(pubStatus, "/status").contains("\"up_to_date\" : true")))
                    .as("first delivery: " + pub.out + pub.err).isTrue();
            long first = subscriberVersion(subStatus);
            assertThat(first).isPositive();
            assertThat(Path.of(fo + ".meta.json")).exists();

            try (Connection c = ForumDatabase.open(bo)) {
                ForumDatabase.addPost(c, 1, "Posted while the daemons run", "public");
            }
            assertThat(eventually(() -> subscriberVersion(subStatus) > first)).as("follows a write").isTrue();

            String subMetrics = get(subStatus, "/metrics");
            assertThat(subMetrics).contains("# TYPE dbsync_subscriber_swaps_total counter")
                    .containsPattern("dbsync_subscriber_swaps_total(\\{[^}]*\\})? [2-9]");
            assertThat(get(pubStatus, "/metrics")).contains("dbsync_publisher_snapshots_published_total");
            assertThat(get(pubStatus, "/nothing-here")).isEqualTo("404");
            assertThat(sub.out.toString()).contains("serving version");
            assertThat(pub.out.toString()).contains("publisher: " + bo).contains(mutual ? "mutual TLS" : "TLS, CA pinned");

            assertThat(pub.stop()).isZero();
            assertThat(pub.out.toString()).contains("publisher: stopping").contains("publisher: stopped");
            pub = null;
            assertThat(sub.stop()).isZero();
            assertThat(sub.out.toString()).contains("subscriber: stopped");
            assertThat(CliRun.of("verify", fo.toString()).code()).as("the served file is intact").isZero();
            assertThat(freeAgain(subStatus)).as("status port released").isTrue();
        } finally {
            if (pub != null) {
                pub.stop();
            }
            if (sub.thread.isAlive()) {
                sub.stop();
            }
        }
    }

    @Test
    void publishesToTheFrontOfficesOfARoutesDatabase() throws Exception {
        Path certs = dir.resolve("certs");
        assertThat(CliRun.of("gencerts", "--out", certs.toString()).code()).isZero();
        Path bo = dir.resolve("bo.db");
        ForumDatabase.create(bo);
        Path spec = Files.writeString(dir.resolve("spec.json"), ValidateFilterCommandTest.FORUM_SPEC);
        int quicPort = freeUdpPort();
        int subStatus = freeTcpPort();
        Path routes = dir.resolve("routes.db");
        RoutesSchema.init(routes);
        try (Connection c = ForumDatabase.open(routes); Statement s = c.createStatement()) {
            s.execute("INSERT INTO routes(service_name, strategy, endpoint) VALUES ('dbsync:fo-1', 'dbsync', '127.0.0.1:"
                    + quicPort + "')");
        }
        Running sub = new Running("subscribe", "subscribe", "--db", dir.resolve("fo.db").toString(),
                "--listen", "127.0.0.1:" + quicPort, "--cert", certs.resolve("server.pem").toString(),
                "--key", certs.resolve("server.key").toString(), "--status-port", String.valueOf(subStatus));
        Running pub = null;
        try {
            assertThat(eventually(() -> get(subStatus, "/status").contains("\"has_db\" : false")))
                    .as("subscriber up: " + sub.err).isTrue();
            pub = new Running("publish", "publish", "--db", bo.toString(), "--filter", spec.toString(),
                    "--routes-db", routes.toString(), "--ca", certs.resolve("ca.pem").toString(),
                    "--watch-interval", "50ms");
            assertThat(eventually(() -> subscriberVersion(subStatus) > 0)).as("delivered: " + pub.err).isTrue();
            assertThat(pub.out.toString()).contains("routes database " + routes);
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

        Path empty = dir.resolve("empty-routes.db");
        ForumDatabase.create(empty); // a database without a routes table
        CliRun noTable = CliRun.of("publish", "--db", bo.toString(), "--filter", spec.toString(),
                "--routes-db", empty.toString(), "--insecure");
        assertThat(noTable.code()).isEqualTo(2);
        assertThat(noTable.err().strip()).doesNotContain("\n").startsWith("dbsync publish: --routes-db " + empty);
    }

    @Test
    void subscribeRefusesAFileItDidNotWriteUnlessAdoptedAndOneFileServesOneSubscriber() throws Exception {
        Path certs = dir.resolve("certs");
        assertThat(CliRun.of("gencerts", "--out", certs.toString()).code()).isZero();
        Path fo = Files.createDirectories(dir.resolve("fo")).resolve("forum.db");
        ForumDatabase.create(fo); // somebody else's database at the path
        String foreign = VerifyCommand.sha256(fo);
        Path meta = Path.of(fo + ".meta.json");
        int statusPort = freeTcpPort();
        String[] args = {"subscribe", "--db", fo.toString(), "--listen", "127.0.0.1:" + freeUdpPort(),
            "--cert", certs.resolve("server.pem").toString(), "--key", certs.resolve("server.key").toString(),
            "--status-port", String.valueOf(statusPort)};

        CliRun refused = CliRun.of(args);
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err().strip()).doesNotContain("\n").startsWith("dbsync subscribe: " + fo)
                .contains("not written by dbsync").contains("--adopt");
        assertThat(VerifyCommand.sha256(fo)).isEqualTo(foreign);
        assertThat(meta).doesNotExist();

        Running adopted = new Running("subscribe-adopt", append(args, "--adopt"));
        try {
            assertThat(eventually(() -> get(statusPort, "/status").contains("\"has_db\" : true")))
                    .as("serves the adopted file: " + adopted.out + adopted.err).isTrue();
            assertThat(subscriberVersion(statusPort)).isZero();
            assertThat(eventually(() -> adopted.out.toString().contains("serving version 0 (" + foreign.substring(0, 12))))
                    .as("says what it serves: " + adopted.out).isTrue();
            assertThat(meta).exists();
            CliRun second = CliRun.of("subscribe", "--db", fo.toString(), "--listen", "127.0.0.1:" + freeUdpPort(),
                    "--cert", certs.resolve("server.pem").toString(), "--key", certs.resolve("server.key").toString());
            assertThat(second.code()).isEqualTo(1);
            assertThat(second.err().strip()).doesNotContain("\n").contains("is in use")
                    .contains(fo + ".lock").contains("subscriber (process ");
            assertThat(adopted.stop()).isZero();
        } finally {
            if (adopted.thread.isAlive()) {
                adopted.stop();
            }
        }
        assertThat(VerifyCommand.sha256(fo)).as("adopting does not change the file").isEqualTo(foreign);

        Path text = Files.writeString(dir.resolve("fo").resolve("notes.db"), "not a database\n".repeat(100));
        for (String adopt : new String[] {"--db", "--adopt"}) {
            String[] textArgs = {"subscribe", "--db", text.toString(), "--listen", "127.0.0.1:" + freeUdpPort(),
                "--cert", certs.resolve("server.pem").toString(), "--key", certs.resolve("server.key").toString()};
            CliRun notSqlite = CliRun.of(adopt.equals("--adopt") ? append(textArgs, "--adopt") : textArgs);
            assertThat(notSqlite.code()).isEqualTo(1);
            assertThat(notSqlite.err().strip()).doesNotContain("\n").contains(text + " is not a SQLite database");
            assertThat(Files.readString(text)).isEqualTo("not a database\n".repeat(100));
        }
    }

    @Test
    void badDaemonConfigurationIsAUsageError() throws Exception {
        Path certs = dir.resolve("certs");
        assertThat(CliRun.of("gencerts", "--out", certs.toString()).code()).isZero();
        CliRun both = CliRun.of("publish", "--db", "x.db", "--filter", "f.json", "--target", "a=127.0.0.1:1",
                "--ca", certs.resolve("ca.pem").toString(), "--insecure");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err().strip()).doesNotContain("\n").contains("mutually exclusive");

        Path bo = dir.resolve("bo.db");
        ForumDatabase.create(bo);
        Path spec = Files.writeString(dir.resolve("spec.json"), ValidateFilterCommandTest.FORUM_SPEC);
        CliRun badTarget = CliRun.of("publish", "--db", bo.toString(), "--filter", spec.toString(),
                "--target", "fo-1=nowhere", "--insecure");
        assertThat(badTarget.code()).isEqualTo(2);
        assertThat(badTarget.err()).contains("expected NAME=HOST:PORT");

        CliRun badAge = CliRun.of("subscribe", "--db", dir.resolve("fo.db").toString(), "--listen", "127.0.0.1:1",
                "--cert", certs.resolve("server.pem").toString(), "--key", certs.resolve("server.key").toString(),
                "--max-age", "soon");
        assertThat(badAge.code()).isEqualTo(2);
        assertThat(badAge.err()).contains("--max-age soon");
    }

    private static String[] append(String[] a, String... more) {
        String[] r = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, r, a.length, more.length);
        return r;
    }

    static long subscriberVersion(int port) {
        Matcher m = Pattern.compile("\"last_version\" : (\\d+)").matcher(get(port, "/status"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** @return the body, the status code when it is not 200, or "" when nothing answers */
    static String get(int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
                    .openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            try {
                if (c.getResponseCode() != 200) {
                    return String.valueOf(c.getResponseCode());
                }
                try (InputStream in = c.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean freeAgain(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }
}
