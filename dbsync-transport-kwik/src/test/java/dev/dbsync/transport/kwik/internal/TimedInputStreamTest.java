package dev.dbsync.transport.kwik.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TimedInputStreamTest {

    @Test
    void aReadWithNoDataTimesOutAbortsAndLeavesNoInterrupt() throws Exception {
        PipedOutputStream silent = new PipedOutputStream();
        PipedInputStream pipe = new PipedInputStream(silent);
        AtomicBoolean aborted = new AtomicBoolean();
        AtomicInteger kicks = new AtomicInteger();
        TimedInputStream in = new TimedInputStream(pipe, Duration.ofMillis(900), () -> aborted.set(true),
                kicks::incrementAndGet, "test");
        long start = System.nanoTime();
        assertThatThrownBy(() -> in.read(new byte[10], 0, 10)).isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("no data for 900 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(aborted).isTrue();
        assertThat(kicks).as("the sender is re-triggered while the read waits").hasValueGreaterThanOrEqualTo(2);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void dataArrivingInTimeIsRead() throws Exception {
        PipedOutputStream out = new PipedOutputStream();
        PipedInputStream pipe = new PipedInputStream(out);
        TimedInputStream in = new TimedInputStream(pipe, Duration.ofSeconds(5), () -> { }, () -> { }, "test");
        out.write(new byte[] {7, 8});
        out.close();
        assertThat(in.readAllBytes()).containsExactly(7, 8);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
}
