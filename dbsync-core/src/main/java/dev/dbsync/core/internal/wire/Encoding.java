package dev.dbsync.core.internal.wire;

import java.util.Optional;

/** Content encodings of a v2 payload. */
public enum Encoding {
    /** The database bytes as they are. */
    IDENTITY("identity"),
    /** One gzip member (RFC 1952) holding the database bytes. */
    GZIP("gzip"),
    /**
     * Only the pages the subscriber's served database lacks: the publisher sends page digests,
     * the subscriber answers which pages it needs, the publisher sends those ({@link PageDelta}).
     */
    PAGES("pages");

    private final String wire;

    Encoding(String wire) {
        this.wire = wire;
    }

    /** @return the name on the wire */
    public String wire() {
        return wire;
    }

    /**
     * @param name a name from the wire
     * @return the encoding, if known
     */
    public static Optional<Encoding> fromWire(String name) {
        for (Encoding e : values()) {
            if (e.wire.equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
