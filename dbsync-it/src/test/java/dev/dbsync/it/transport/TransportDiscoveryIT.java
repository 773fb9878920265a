package dev.dbsync.it.transport;

import dev.dbsync.api.transport.Transport;
import dev.dbsync.core.Transports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transports are found both ways: through {@code META-INF/services} on the classpath and
 * through {@code provides} on the module path.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TransportDiscoveryIT {
    /** The application's module path: everything on this suite's path except the test tools. */
    private static final Pattern TEST_TOOL = Pattern.compile(
            ".*[/\\\\](junit|opentest4j|apiguardian|jqwik|assertj|archunit|byte-buddy|surefire|hamcrest|mockito)[^/\\\\]*\\.jar$"
                    + "|.*test-classes$");

    @Test
    void findsNettyOnTheClasspathThroughMetaInfServices() {
        assertThat(Transports.class.getModule().isNamed()).as("this suite runs on the classpath").isFalse();
        assertThat(Transports.all()).extracting(Transport::name).contains("netty");
        assertThat(Transports.named("netty").isAvailable()).isTrue();
    }

    @Test
    void findsNettyOnTheModulePathThroughProvides() throws Exception {
        String out = runProbe(true);
        assertThat(out).contains("transport netty available=true module=dev.dbsync.transport.netty");
    }

    @Test
    void explainsHowToAddTheNativeModuleWhenItIsMissingFromTheModulePath() throws Exception {
        String out = runProbe(false);
        assertThat(out).contains("transport netty available=false")
                .contains("--add-modules io.netty.codec.quic.linux.x86_64");
    }

    private static String runProbe(boolean addNativeModule) throws IOException, InterruptedException {
        List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        String modulePath = entries.stream().filter(e -> !TEST_TOOL.matcher(e).matches())
                .collect(Collectors.joining(File.pathSeparator));
        String testClasses = entries.stream().filter(e -> e.replace('\\', '/').endsWith("dbsync-it/target/test-classes"))
                .findFirst().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", modulePath,
                "--add-modules", "dev.dbsync.core" + (addNativeModule ? ",io.netty.codec.quic.linux.x86_64" : ""),
                "-cp", testClasses,
                DiscoveryProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("discovery probe did not finish within 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
