package dev.dbsync.connectivity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 17 item 3 for the routes database: a routes file replaced by a rename is followed. */
@Timeout(60)
class RoutesFileReplacedTest {
    private static final long WAIT_MILLIS = 10_000;

    @TempDir
    Path dir;

    private static void routes(Path file, String service, String endpoint) throws Exception {
        RoutesSchema.init(file);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             PreparedStatement p = c.prepareStatement(
                     "INSERT INTO routes(service_name, strategy, endpoint) VALUES (?, 'dbsync', ?)")) {
            p.setString(1, service);
            p.setString(2, endpoint);
            p.executeUpdate();
        }
    }

    @Test
    void aRoutesDatabaseRenamedOverTheWatchedOneIsReloaded() throws Exception {
        Path file = dir.resolve("routes.db");
        routes(file, "dbsync:fo-1", "127.0.0.1:9001");
        RecordingFactory dbsync = new RecordingFactory();
        try (Router router = Router.builder(file).interval(Duration.ofMillis(20)).debounce(Duration.ZERO).build()) {
            router.registerTransport("dbsync", dbsync);
            router.start();
            assertThat(answer(router)).isEqualTo("127.0.0.1:9001");

            Path restored = dir.resolve("routes-restore.db");
            routes(restored, "dbsync:fo-1", "127.0.0.1:9002");
            Files.move(restored, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            while (!answer(router).equals("127.0.0.1:9002") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(answer(router)).as("the route of the new file").isEqualTo("127.0.0.1:9002");
            assertThat(router.status()).containsEntry("watch_replacements", 1L).doesNotContainKey("source_error");

            Files.delete(file);
            deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            while (!router.status().containsKey("source_error") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(String.valueOf(router.status().get("source_error"))).contains(file.toString());
            assertThat(answer(router)).as("the last routes read stay in force").isEqualTo("127.0.0.1:9002");
        }
    }

    private static String answer(Router router) {
        return new String(router.call("dbsync:fo-1", null), StandardCharsets.UTF_8);
    }
}
