package dev.dbsync.core.internal.subscriber;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Transport;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The validated settings of a subscriber.
 *
 * @param dbPath the served database
 * @param listenAddress where to listen
 * @param tls the listener's TLS settings
 * @param transport the transport
 * @param maxAge snapshots older than this are refused, when set
 * @param maxSnapshotSize the largest snapshot accepted
 * @param stallTimeout a sender silent for this long is cut off
 * @param maxConnections connections served at once
 * @param maxConcurrentReceives transfers received at once (more get "busy")
 * @param minFreeSpace bytes that must stay free on the disk after a snapshot is received
 * @param maxIdleConnections idle read connections kept by the data source
 * @param meterRegistry a Micrometer registry, or null
 * @param swapHook test hook called after each durable swap step
 * @param adoptExisting whether a database found at the path without a meta of ours is served as
 *     version 0 (else it is refused)
 */
public record SubscriberConfig(Path dbPath, InetSocketAddress listenAddress, TlsSettings tls, Transport transport,
                               Optional<Duration> maxAge, long maxSnapshotSize, Duration stallTimeout,
                               int maxConnections, int maxConcurrentReceives, long minFreeSpace,
                               int maxIdleConnections, Object meterRegistry, Consumer<SwapStep> swapHook,
                               boolean adoptExisting) {
}
