package dev.dbsync.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A daemon in its own JVM, started the way the shaded jar runs (everything on the classpath),
 * stops cleanly on SIGTERM: it closes its listener and status endpoint before the JVM exits.
 */
@Timeout(120)
class SignalShutdownIT {
    @TempDir
    Path dir;

    @Test
    void subscribeStopsCleanlyOnSigterm() throws Exception {
        assertThat(CliRun.of("gencerts", "--out", dir.toString()).code()).isZero();
        String cp = String.join(File.pathSeparator, List.of(System.getProperty("jdk.module.path", ""),
                System.getProperty("java.class.path", ""))).replaceAll("^" + File.pathSeparator + "+", "");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, "dev.dbsync.cli.Main", "subscribe", "--db", dir.resolve("fo.db").toString(),
                "--listen", "127.0.0.1:0".replace(":0", ":" + freeUdpPort()),
                "--cert", dir.resolve("server.pem").toString(), "--key", dir.resolve("server.key").toString()));
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(dir.resolve("err.txt").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(out).contains("serving nothing yet") && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(out)).as(Files.readString(dir.resolve("err.txt"))).contains("subscriber: ");
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
            assertThat(Files.readString(out)).contains("subscriber: stopping (signal received)")
                    .contains("subscriber: stopped");
            assertThat(p.exitValue()).as("the JVM's exit status for SIGTERM").isEqualTo(143);
        } finally {
            p.destroyForcibly();
        }
    }

    private static int freeUdpPort() throws java.io.IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
