package dev.dbsync.core.internal.subscriber;

import dev.dbsync.core.internal.wire.Offer;
import dev.dbsync.core.internal.wire.PageDelta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The served database opened as the base of a {@code pages} transfer: the new snapshot's pages
 * that it already holds are copied from it instead of crossing the network. Opened when the
 * answer is chosen; a swap renames over the database path, so this open file keeps the bytes
 * it was opened on until it is closed.
 *
 * <p>A {@link RandomAccessFile} rather than a channel: an interrupt (QUIC libraries use them)
 * must not close the file under the reception.
 *
 * @param file the open database
 * @param size its size when opened
 * @param pageSize its page size, equal to the offer's
 */
record PageBase(RandomAccessFile file, long size, int pageSize) implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PageBase.class);

    /**
     * @return whether an offer can be received as pages at all: it states a page size and the
     *     snapshot is a whole number of pages, not too many (the base is checked on opening)
     */
    static boolean applies(Offer offer) {
        return PageDelta.fits(offer.meta().size(), offer.pageSize());
    }

    /**
     * Opens the served database as a base for {@code offer}, if it can be one: same page size,
     * a whole number of pages, at most {@link PageDelta#MAX_PAGES}.
     *
     * @param db the served database
     * @param offer the offer
     * @return the base, or empty (then the snapshot is received whole)
     */
    static Optional<PageBase> open(Path db, Offer offer) {
        if (!applies(offer)) {
            return Optional.empty();
        }
        RandomAccessFile f = null;
        try {
            f = new RandomAccessFile(db.toFile(), "r");
            long size = f.length();
            byte[] header = new byte[(int) Math.min(100, size)];
            f.readFully(header);
            if (PageDelta.usablePageSize(header, size) != offer.pageSize()) {
                f.close();
                return Optional.empty();
            }
            return Optional.of(new PageBase(f, size, offer.pageSize()));
        } catch (IOException e) {
            LOG.warn("cannot read the served database {} as a base for a transfer by pages; receiving the "
                    + "snapshot whole: {}", db, e.toString());
            if (f != null) {
                try {
                    f.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            // a read-only file: nothing to lose
        }
    }
}
