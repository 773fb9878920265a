package dev.dbsync.transport.netty;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backpressure end to end: 512 MiB pass through a JVM whose heap is 128 MiB, both ends in it.
 * Runs in a child JVM on the classpath (which also shows the native jar loads from there).
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HeapBoundedTransferIT {

    @Test
    void moves512MiBThroughA128MiBHeap() throws Exception {
        Path base = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        List<String> cp = new ArrayList<>();
        cp.add(base.resolve("target/test-classes").toString());
        cp.add(base.resolve("target/classes").toString());
        for (String prop : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(prop, "");
            for (String e : v.split(File.pathSeparator)) {
                if (!e.isBlank() && !cp.contains(e)) {
                    cp.add(e);
                }
            }
        }
        Path log = Files.createTempFile("dbsync-heap", ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:MaxDirectMemorySize=128m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", String.join(File.pathSeparator, cp), HeapBoundedTransfer.class.getName(), "512")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(220, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("512 MiB transfer did not finish within 220 s: " + Files.readString(log));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("OK ").contains(" " + (512L << 20));
    }
}
