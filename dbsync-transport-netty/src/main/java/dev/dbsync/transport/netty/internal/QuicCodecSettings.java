package dev.dbsync.transport.netty.internal;

import dev.dbsync.api.transport.TransportOptions;
import io.netty.handler.codec.quic.QuicCodecBuilder;

import java.util.concurrent.TimeUnit;

/**
 * Applies {@link TransportOptions} to a Netty QUIC codec builder. quiche's defaults for stream
 * counts and windows are 0, which makes a peer hang silently: every value is set here.
 */
final class QuicCodecSettings {
    /** Socket buffers: with the OS defaults a 256 MiB loopback run dropped thousands of datagrams. */
    static final int SOCKET_BUFFER = 4 << 20;
    private static final int KEEP_ALIVE_QUEUE = 8;

    private QuicCodecSettings() {
    }

    /**
     * @param builder a client or server codec builder
     * @param options the options
     * @param peerStreams how many bidirectional streams the peer may open at once
     * @param <B> the builder type
     * @return the builder
     */
    static <B extends QuicCodecBuilder<B>> B apply(B builder, TransportOptions options, long peerStreams) {
        return builder.maxIdleTimeout(options.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(options.connectionWindow())
                .initialMaxStreamDataBidirectionalLocal(options.streamWindow())
                .initialMaxStreamDataBidirectionalRemote(options.streamWindow())
                .initialMaxStreamsBidirectional(peerStreams)
                .initialMaxStreamsUnidirectional(0)
                .initialMaxStreamDataUnidirectional(0)
                .activeMigration(false)
                // DATAGRAM frames carry keep-alives (quiche has no PING API in Netty); peers without it ignore them
                .datagram(KEEP_ALIVE_QUEUE, KEEP_ALIVE_QUEUE);
    }
}
