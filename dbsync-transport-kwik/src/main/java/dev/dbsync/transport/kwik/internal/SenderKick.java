package dev.dbsync.transport.kwik.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Re-queues the send request of a kwik stream whose sender lost its wake-up.
 *
 * <p>kwik 0.10.8 (and upstream master) schedules a stream's sending in
 * {@code StreamOutputStreamImpl.scheduleSendStreamFrameRequest}: it reads a counter of queued
 * requests, queues a request only when the counter is 0, and increments the counter afterwards.
 * When kwik's sender thread runs the new request in between, it decrements the counter to -1,
 * sends one frame and, finding more data, skips its own re-queue because the counter is not 0.
 * The counter then returns to 0 with data left in the stream's send buffer and no request queued:
 * nothing is sent until the application writes again. A writer that is done (it closed the
 * stream, or it waits for the peer's answer) never does, and the exchange hangs.
 *
 * <p>The kick calls that same method again. It queues a request only when the counter is 0, and
 * the request decrements the counter when it runs, so kwik's accounting stays balanced: a
 * superfluous request finds nothing to send and sends nothing. Unlike a zero-length write, it
 * adds nothing to the send buffer (an empty buffer left at the head of kwik's queue would keep
 * the FIN from ever being sent).
 *
 * <p>The method is private to a package that {@code tech.kwik.core} does not export. On the class
 * path it is reachable; on the module path only when the application opens it to us:
 * {@code --add-opens tech.kwik.core/tech.kwik.core.stream=dev.dbsync.transport.kwik}. Without it
 * the kick is unavailable and only the write-side containment of {@link GuardedOutputStream}
 * remains (a warning says so once).
 */
final class SenderKick {
    private static final Logger LOG = LoggerFactory.getLogger(SenderKick.class);
    /** The opening a module-path application needs for the kick. */
    static final String ADD_OPENS = "--add-opens tech.kwik.core/tech.kwik.core.stream=dev.dbsync.transport.kwik";
    private static final String IMPL = "tech.kwik.core.stream.StreamOutputStreamImpl";
    private static final Method SCHEDULE = findSchedule();
    private static final AtomicLong KICKS = new AtomicLong();

    private SenderKick() {
    }

    private static Method findSchedule() {
        try {
            Class<?> impl = Class.forName(IMPL, false, tech.kwik.core.QuicStream.class.getClassLoader());
            Method m = impl.getDeclaredMethod("scheduleSendStreamFrameRequest", boolean.class);
            if (m.trySetAccessible()) {
                return m;
            }
            LOG.warn("kwik's stream sender cannot be re-triggered: {} is not open to us. A stream can then hang when "
                    + "kwik loses its sender's wake-up; start the JVM with {}", IMPL, ADD_OPENS);
        } catch (ClassNotFoundException | NoSuchMethodException | RuntimeException e) {
            LOG.warn("kwik's stream sender cannot be re-triggered ({}): this kwik version differs from the one we "
                    + "were built against", e.toString());
        }
        return null;
    }

    /** @return whether kicks reach kwik in this JVM */
    static boolean available() {
        return SCHEDULE != null;
    }

    /** @return how many kicks were made in this JVM */
    static long kicks() {
        return KICKS.get();
    }

    /**
     * Re-queues the stream's send request if kwik believes none is queued.
     *
     * @param kwikOutput the output stream kwik gave for the stream
     * @return whether the kick could be made
     */
    static boolean kick(OutputStream kwikOutput) {
        Method m = SCHEDULE;
        if (m == null || !m.getDeclaringClass().isInstance(kwikOutput)) {
            return false;
        }
        try {
            m.invoke(kwikOutput, true);
            KICKS.incrementAndGet();
            return true;
        } catch (IllegalAccessException e) {
            return false;
        } catch (InvocationTargetException e) {
            // the stream is closing under us: nothing left to send
            LOG.debug("kick of a kwik stream failed: {}", e.getCause().toString());
            return false;
        }
    }
}
