package dev.dbsync.connectivity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class ServiceHandlerTest {
    @TempDir
    Path dir;

    @Test
    void aCloseHookRunsAtMostOnce() throws Exception {
        AtomicInteger closes = new AtomicInteger();
        ServiceHandler h = ServiceHandler.withCloseHook(r -> r, closes::incrementAndGet);
        assertThat(h.handle(new byte[] {7})).containsExactly(7);
        h.close();
        h.close();
        assertThat(closes).hasValue(1);
    }

    @Test
    void aCheckedFailureOfTheHookIsRethrownUnchecked() {
        ServiceHandler h = ServiceHandler.withCloseHook(r -> r, () -> {
            throw new IOException("socket stuck");
        });
        assertThatThrownBy(h::close).isInstanceOf(IllegalStateException.class).hasRootCauseMessage("socket stuck");
    }

    @Test
    void aFailingCloseHookNeitherBreaksTheReloadNorTheCalls() throws Exception {
        try (RoutesDatabase db = RoutesDatabase.create(dir);
             Router router = Router.builder(db.file).interval(Duration.ofMillis(50)).debounce(Duration.ZERO).build()) {
            db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9001");
            router.registerTransport("dbsync", route -> ServiceHandler.withCloseHook(
                    r -> route.endpoint().getBytes(StandardCharsets.UTF_8), () -> {
                        throw new IOException("cannot close " + route.endpoint());
                    }));
            router.start();
            db.update("dbsync:fo-1", "endpoint", "127.0.0.1:9002");
            router.reload();
            assertThat(new String(router.call("dbsync:fo-1", null), StandardCharsets.UTF_8)).isEqualTo("127.0.0.1:9002");
            assertThat(router.status()).doesNotContainKey("last_error");
        }
    }
}
