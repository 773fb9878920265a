package dev.dbsync.api;

/**
 * Constants of the dbsync wire protocol.
 */
public final class Dbsync {
    /** ALPN id of protocol v1, the original wire format (no reply from the subscriber). */
    public static final String ALPN_V1 = "horos-dbsync-v1";
    /** ALPN id of protocol v2 (offer, answer, payload, acknowledgement). */
    public static final String ALPN_V2 = "horos-dbsync-v2";
    /**
     * The protocol ids a listener accepts, most preferred first: v2, then v1. An ordered,
     * unmodifiable set, so transports whose TLS server picks the protocol follow this order.
     */
    public static final java.util.Set<String> ACCEPTED_ALPN =
            java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(java.util.List.of(ALPN_V2, ALPN_V1)));
    /** The protocol ids a dialer offers, most preferred first: v2, then v1. */
    public static final java.util.List<String> OFFERED_ALPN = java.util.List.of(ALPN_V2, ALPN_V1);
    /** Magic bytes that start every v1 snapshot stream. */
    public static final String MAGIC = "SYN1";
    /** Default maximum snapshot size, 512 MiB; configurable wherever it is enforced. */
    public static final long DEFAULT_MAX_SNAPSHOT_SIZE = 512L * 1024 * 1024;
    /** Maximum length of the JSON metadata in a snapshot stream, 1 MiB. */
    public static final int MAX_META_LENGTH = 1024 * 1024;

    private Dbsync() {
    }
}
