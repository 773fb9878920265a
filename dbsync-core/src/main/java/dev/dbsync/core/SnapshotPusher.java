package dev.dbsync.core;

import dev.dbsync.api.Dbsync;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.TransportException;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Pushes one snapshot file to a subscriber: the client side of the wire protocol, for
 * publishers and tools. It offers protocol v2 first and falls back to v1 when the subscriber
 * only speaks v1. The file is streamed, never held in memory.
 *
 * <pre>{@code
 * SnapshotPusher pusher = SnapshotPusher.builder()
 *         .tls(TlsSettings.mutualClient(ca, boCert, boKey))
 *         .gzip(true)
 *         .build();
 * PushResult r = pusher.push(Endpoint.parse("fo-1:9443"), meta, Path.of("db/public.db"));
 * }</pre>
 *
 * <p>Immutable and thread-safe; each push uses its own connection.
 */
public final class SnapshotPusher {
    private final Transport transport;
    private final TlsSettings tls;
    private final TransportOptions options;
    private final boolean gzip;
    private final List<String> alpn;

    private SnapshotPusher(Builder b) {
        this.transport = b.transport != null ? b.transport : Transports.preferred();
        this.tls = b.tls;
        this.options = b.options;
        this.gzip = b.gzip;
        this.alpn = b.alpn;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Pushes a snapshot and waits for the subscriber's verdict (v2) or the end of the stream (v1).
     *
     * @param endpoint the subscriber
     * @param meta the snapshot's meta ({@code compressed} is ignored: this pusher's gzip
     *     setting and, in v2, the subscriber's answer decide)
     * @param snapshot the snapshot file
     * @return what the subscriber did
     * @throws SnapshotRejectedException if the subscriber refused the snapshot (v2)
     * @throws TransportException if the connection fails or the stream breaks
     * @throws dev.dbsync.api.ProtocolException if the subscriber's replies break the protocol
     */
    public PushResult push(Endpoint endpoint, SnapshotMeta meta, Path snapshot) {
        Objects.requireNonNull(meta, "meta");
        try {
            // each attempt on its own connection: a transport may carry one stream per connection
            return PushExchange.runFallingBackToWhole(endpoint.toString(), offerPages -> {
                try (TransportConnection c = transport.dial(endpoint, tls, alpn, options);
                     TransportStream s = c.openStream()) {
                    return PushExchange.run(endpoint.toString(), c.negotiatedAlpn(), meta, s.input(), s.output(),
                            () -> Files.newInputStream(snapshot), gzip, offerPages);
                }
            });
        } catch (IOException e) {
            throw new TransportException(endpoint.toString(), "push of version " + meta.version() + " failed: " + e, e);
        }
    }

    /** Builds a {@link SnapshotPusher}. Not thread-safe. */
    public static final class Builder {
        private Transport transport;
        private TlsSettings tls;
        private TransportOptions options = TransportOptions.defaults();
        private boolean gzip;
        private List<String> alpn = Dbsync.OFFERED_ALPN;

        private Builder() {
        }

        /** @param t the transport (default {@link Transports#preferred()}) @return this */
        public Builder transport(Transport t) {
            this.transport = t;
            return this;
        }

        /** @param settings the dialer's TLS settings (required) @return this */
        public Builder tls(TlsSettings settings) {
            this.tls = settings;
            return this;
        }

        /** @param o transport options (default {@link TransportOptions#defaults()}) @return this */
        public Builder options(TransportOptions o) {
            this.options = Objects.requireNonNull(o);
            return this;
        }

        /** @param compress whether to offer (v2) or send (v1) gzip @return this */
        public Builder gzip(boolean compress) {
            this.gzip = compress;
            return this;
        }

        /**
         * @param v1Only true to speak only protocol v1 (to test old subscribers)
         * @return this
         */
        public Builder v1Only(boolean v1Only) {
            this.alpn = v1Only ? List.of(Dbsync.ALPN_V1) : Dbsync.OFFERED_ALPN;
            return this;
        }

        /**
         * @return the pusher
         * @throws IllegalArgumentException if no TLS settings were given
         */
        public SnapshotPusher build() {
            if (tls == null) {
                throw new IllegalArgumentException("tls is required");
            }
            return new SnapshotPusher(this);
        }
    }
}
