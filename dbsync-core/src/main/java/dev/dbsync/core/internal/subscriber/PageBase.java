package dev.dbsync.core.internal.subscriber;

import dev.dbsync.core.internal.wire.Offer;
import dev.dbsync.core.internal.wire.PageDelta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;

/**
 * The served database as the base of a {@code pages} transfer: the new snapshot's pages that
 * it already holds are copied from it instead of crossing the network. It is the served
 * file's own descriptor ({@link ServedFile}), never a new one: the database is open in SQLite
 * meanwhile, and closing a second descriptor of it would drop this process's locks on it. A
 * swap renames over the database path; the reference held here keeps the bytes the transfer
 * started on until it is closed.
 *
 * @param file the served file, one reference of which this base holds
 * @param size its size when the base was taken
 * @param pageSize its page size, equal to the offer's
 */
record PageBase(ServedFile file, long size, int pageSize) implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PageBase.class);

    /**
     * @return whether an offer can be received as pages at all: it states a page size and the
     *     snapshot is a whole number of pages, not too many (the base is checked on opening)
     */
    static boolean applies(Offer offer) {
        return PageDelta.fits(offer.meta().size(), offer.pageSize());
    }

    /**
     * Takes {@code served} as a base for {@code offer}, if it can be one: same page size, a
     * whole number of pages, at most {@link PageDelta#MAX_PAGES}.
     *
     * @param served the served file, one reference of which is handed over: kept by the base,
     *     or released when the base is refused
     * @param offer the offer
     * @return the base, or empty (then the snapshot is received whole)
     */
    static Optional<PageBase> of(ServedFile served, Offer offer) {
        boolean kept = false;
        try {
            if (!applies(offer)) {
                return Optional.empty();
            }
            long size = served.size();
            byte[] header = new byte[(int) Math.min(100, size)];
            if (served.read(0, header, 0, header.length) < header.length
                    || PageDelta.usablePageSize(header, size) != offer.pageSize()) {
                return Optional.empty();
            }
            kept = true;
            return Optional.of(new PageBase(served, size, offer.pageSize()));
        } catch (IOException e) {
            LOG.warn("cannot read the served database {} as a base for a transfer by pages; receiving the "
                    + "snapshot whole: {}", served.path(), e.toString());
            return Optional.empty();
        } finally {
            if (!kept) {
                served.release();
            }
        }
    }

    @Override
    public void close() {
        file.release();
    }
}
