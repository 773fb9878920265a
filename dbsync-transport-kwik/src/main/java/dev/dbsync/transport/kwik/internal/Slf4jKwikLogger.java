package dev.dbsync.transport.kwik.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.log.BaseLogger;

import java.nio.ByteBuffer;

/**
 * Routes kwik's own logger to SLF4J (logger {@code tech.kwik}), so kwik never writes to stdout.
 * kwik's errors are mostly caused by peers and become WARN; its warnings DEBUG; its info and
 * debug TRACE. Packet, raw-byte and secret logging stay off. Thread-safe.
 */
public final class Slf4jKwikLogger extends BaseLogger {
    private static final Logger LOG = LoggerFactory.getLogger("tech.kwik");

    /** The one instance; it holds no per-connection state. */
    public static final Slf4jKwikLogger INSTANCE = new Slf4jKwikLogger();

    private Slf4jKwikLogger() {
        // every category flag of BaseLogger stays false: packets, raw bytes and secrets are never logged
    }

    @Override
    public void error(String message) {
        if (message != null && (message.startsWith("Removed connection") || message.contains("looping in busy wait"))) {
            // kwik's server logs the first for every connection the client closed first; the
            // second is a self-diagnostic of kwik's sender with no effect on delivery
            LOG.debug("kwik: {}", message);
        } else {
            LOG.warn("kwik: {}", message);
        }
    }

    @Override
    public void error(String message, Throwable error) {
        LOG.warn("kwik: {}: {}", message, String.valueOf(error));
        LOG.debug("kwik error detail", error);
    }

    @Override
    public void warn(String message) {
        LOG.debug("kwik: {}", message);
    }

    @Override
    public void info(String message) {
        LOG.trace("kwik: {}", message);
    }

    @Override
    public void debug(String message) {
        LOG.trace("kwik: {}", message);
    }

    @Override
    public void debug(String message, Exception error) {
        LOG.trace("kwik: {}", message, error);
    }

    @Override
    protected void log(String message) {
        LOG.trace("kwik: {}", message);
    }

    @Override
    protected void log(String message, Throwable ex) {
        LOG.trace("kwik: {}", message, ex);
    }

    @Override
    protected void logWithHexDump(String message, byte[] data, int length) {
        LOG.trace("kwik: {} ({} bytes)", message, length);
    }

    @Override
    protected void logWithHexDump(String message, ByteBuffer data, int offset, int length) {
        LOG.trace("kwik: {} ({} bytes)", message, length);
    }
}
