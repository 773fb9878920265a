package dev.dbsync.api.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning shared by every transport. Immutable; derive variants with {@link #toBuilder()}.
 *
 * @param idleTimeout a connection with no traffic for this long is closed (default 5 min)
 * @param keepAlive interval of keep-alive pings on an idle connection (default 30 s)
 * @param connectTimeout how long a dial may take, handshake included (default 10 s)
 * @param streamWindow per-stream flow-control window in bytes (default 16 MiB)
 * @param connectionWindow per-connection flow-control window in bytes (default 32 MiB)
 * @param maxConnections how many connections a listener serves at once (default 64)
 * @param maxStreamsPerConnection how many bidirectional streams a peer may open on one
 *     connection at once (default 4)
 */
public record TransportOptions(Duration idleTimeout, Duration keepAlive, Duration connectTimeout,
                               long streamWindow, long connectionWindow, int maxConnections,
                               int maxStreamsPerConnection) {
    /** Default idle timeout, 5 minutes. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Default keep-alive interval, 30 seconds. */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
    /** Default connect timeout, 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Default per-stream window, 16 MiB. */
    public static final long DEFAULT_STREAM_WINDOW = 16L << 20;
    /** Default per-connection window, 32 MiB. */
    public static final long DEFAULT_CONNECTION_WINDOW = 32L << 20;
    /** Default listener connection limit. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** Default limit of concurrent peer-opened streams per connection. */
    public static final int DEFAULT_MAX_STREAMS_PER_CONNECTION = 4;

    private static final TransportOptions DEFAULTS = builder().build();

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException if a duration is not positive or a size is below 64 KiB
     */
    public TransportOptions {
        positive(idleTimeout, "idleTimeout");
        positive(keepAlive, "keepAlive");
        positive(connectTimeout, "connectTimeout");
        if (streamWindow < 65536 || connectionWindow < streamWindow) {
            throw new IllegalArgumentException("streamWindow must be >= 64 KiB and connectionWindow >= streamWindow");
        }
        if (maxConnections < 1 || maxStreamsPerConnection < 1) {
            throw new IllegalArgumentException("maxConnections and maxStreamsPerConnection must be >= 1");
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** @return the documented defaults */
    public static TransportOptions defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder starting from these options */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.idleTimeout = idleTimeout;
        b.keepAlive = keepAlive;
        b.connectTimeout = connectTimeout;
        b.streamWindow = streamWindow;
        b.connectionWindow = connectionWindow;
        b.maxConnections = maxConnections;
        b.maxStreamsPerConnection = maxStreamsPerConnection;
        return b;
    }

    /** Builds {@link TransportOptions}; not thread-safe. */
    public static final class Builder {
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration keepAlive = DEFAULT_KEEP_ALIVE;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private long streamWindow = DEFAULT_STREAM_WINDOW;
        private long connectionWindow = DEFAULT_CONNECTION_WINDOW;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxStreamsPerConnection = DEFAULT_MAX_STREAMS_PER_CONNECTION;

        private Builder() {
        }

        /** @param d idle timeout @return this builder */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = d;
            return this;
        }

        /** @param d keep-alive interval @return this builder */
        public Builder keepAlive(Duration d) {
            this.keepAlive = d;
            return this;
        }

        /** @param d connect timeout @return this builder */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        /** @param bytes per-stream window @return this builder */
        public Builder streamWindow(long bytes) {
            this.streamWindow = bytes;
            return this;
        }

        /** @param bytes per-connection window @return this builder */
        public Builder connectionWindow(long bytes) {
            this.connectionWindow = bytes;
            return this;
        }

        /** @param n listener connection limit @return this builder */
        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        /** @param n concurrent peer-opened streams per connection @return this builder */
        public Builder maxStreamsPerConnection(int n) {
            this.maxStreamsPerConnection = n;
            return this;
        }

        /**
         * @return the options
         * @throws IllegalArgumentException if a value is out of range
         */
        public TransportOptions build() {
            return new TransportOptions(idleTimeout, keepAlive, connectTimeout, streamWindow,
                    connectionWindow, maxConnections, maxStreamsPerConnection);
        }
    }
}
