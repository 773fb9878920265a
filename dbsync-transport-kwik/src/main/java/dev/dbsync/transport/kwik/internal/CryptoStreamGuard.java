package dev.dbsync.transport.kwik.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicClientConnection;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes the outgoing TLS data of a dialled kwik connection safe to share between kwik's two
 * threads.
 *
 * <p>kwik 0.10.8 (and upstream master) keeps what a {@code CryptoStream} has to send in a plain
 * {@code ArrayList} ({@code dataToSend}): the TLS engine appends to it on kwik's receiver thread
 * ({@code write}), and kwik's sender thread takes from its head ({@code sendFrame}: {@code get(0)},
 * {@code remove(0)}). With client authentication the receiver thread writes three messages in a
 * row (Certificate, CertificateVerify, Finished), waking the sender after each, so the two meet:
 * the sender saw a {@code null} element ({@code NullPointerException} in
 * {@code CryptoStream.sendFrame}), kwik's sender thread died and kwik aborted the connection,
 * often just after the dial returned (the first exchange then fails with "Connection closed").
 * Measured on the shared 2-core machine: 7 times in about 4,700 mutual-TLS dials, 0 in 2,400
 * guarded ones.
 *
 * <p>Containment, before {@code connect()}: the connection's Initial and Handshake crypto streams
 * are created (kwik creates them lazily, the same way) and their still empty list is replaced by
 * a synchronized one. One thread appends and one takes from the head, and the stream's size and
 * offset are volatile, so synchronizing each list operation is enough.
 *
 * <p>The fields are in packages {@code tech.kwik.core} does not export. On the class path they are
 * reachable; on the module path only with {@value #ADD_OPENS}. Without it a WARN says so once and
 * connections are not guarded.
 */
final class CryptoStreamGuard {
    private static final Logger LOG = LoggerFactory.getLogger(CryptoStreamGuard.class);
    /** The openings a module-path application needs for the guard. */
    static final String ADD_OPENS = "--add-opens tech.kwik.core/tech.kwik.core.impl=dev.dbsync.transport.kwik "
            + "--add-opens tech.kwik.core/tech.kwik.core.crypto=dev.dbsync.transport.kwik";
    private static final String CONNECTION_IMPL = "tech.kwik.core.impl.QuicConnectionImpl";
    private static final String CRYPTO_STREAM = "tech.kwik.core.crypto.CryptoStream";
    private static final String LEVEL = "tech.kwik.core.common.EncryptionLevel";
    private static final AtomicLong GUARDED = new AtomicLong();
    private static final Reflection REFLECTION = Reflection.find();

    private record Reflection(Class<?> connectionType, Method getCryptoStream, Field dataToSend, List<Object> levels) {
        static Reflection find() {
            ClassLoader loader = QuicClientConnection.class.getClassLoader();
            try {
                Class<?> connection = Class.forName(CONNECTION_IMPL, false, loader);
                Class<?> level = Class.forName(LEVEL, false, loader);
                Method get = connection.getDeclaredMethod("getCryptoStream", level);
                Field data = Class.forName(CRYPTO_STREAM, false, loader).getDeclaredField("dataToSend");
                if (get.trySetAccessible() && data.trySetAccessible()) {
                    List<Object> levels = new ArrayList<>();
                    for (Object l : level.getEnumConstants()) {
                        String name = ((Enum<?>) l).name();
                        if (name.equals("Initial") || name.equals("Handshake")) {
                            levels.add(l);
                        }
                    }
                    return new Reflection(connection, get, data, List.copyOf(levels));
                }
                LOG.warn("kwik's TLS send buffers cannot be made thread-safe: kwik's internals are not open to us. A "
                        + "mutual-TLS dial can then fail when kwik's sender thread dies; start the JVM with {}", ADD_OPENS);
            } catch (ClassNotFoundException | NoSuchMethodException | NoSuchFieldException | RuntimeException e) {
                LOG.warn("kwik's TLS send buffers cannot be made thread-safe ({}): this kwik version differs from the one "
                        + "we were built against", e.toString());
            }
            return null;
        }
    }

    private CryptoStreamGuard() {
    }

    /** @return whether connections can be guarded in this JVM */
    static boolean available() {
        return REFLECTION != null;
    }

    /** @return how many connections were guarded in this JVM */
    static long guarded() {
        return GUARDED.get();
    }

    /**
     * Guards a connection; call it before {@code connect()}.
     *
     * @param connection a connection kwik has built but not connected
     * @return whether it was guarded
     */
    static boolean guard(QuicClientConnection connection) {
        Reflection r = REFLECTION;
        if (r == null || !r.connectionType().isInstance(connection)) {
            return false;
        }
        try {
            for (Object level : r.levels()) {
                Object stream = r.getCryptoStream().invoke(connection, level);
                List<?> pending = (List<?>) r.dataToSend().get(stream);
                if (!pending.isEmpty()) {
                    return false; // something was written already: leave it alone
                }
                r.dataToSend().set(stream, Collections.synchronizedList(new ArrayList<>()));
            }
            GUARDED.incrementAndGet();
            return true;
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            LOG.debug("cannot guard kwik's TLS send buffers: {}", e.toString());
            return false;
        }
    }

    /**
     * @param connection a kwik connection
     * @return whether each of its Initial and Handshake crypto streams sends from a synchronized list
     */
    static boolean isGuarded(QuicClientConnection connection) {
        Reflection r = REFLECTION;
        if (r == null) {
            return false;
        }
        try {
            for (Object level : r.levels()) {
                Object stream = r.getCryptoStream().invoke(connection, level);
                if (!r.dataToSend().get(stream).getClass().getName().contains("Synchronized")) {
                    return false;
                }
            }
            return true;
        } catch (IllegalAccessException | InvocationTargetException e) {
            return false;
        }
    }
}
