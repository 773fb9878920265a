package dev.dbsync.core.internal.wire;

import dev.dbsync.api.ProtocolException;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * The {@code pages} encoding of a v2 payload (docs/protocol.md section 4.7): a new snapshot
 * sent as only the pages the subscriber's served database lacks.
 *
 * <pre>
 * publisher  -- digest of every page of the new snapshot, 8 bytes each ---------------&gt;
 *            &lt;-- NED2 frame: bitmap, bit i set = page i is needed -------------------- subscriber
 *            -- the needed pages, in order, then end of stream ----------------------&gt;
 * </pre>
 *
 * A page's digest is CRC-32C (high 32 bits) and CRC-32 (low 32 bits) of its bytes, big-endian.
 * It only picks which base page a copy comes from: a false match yields a file whose SHA-256
 * differs from the offer's, which the subscriber refuses like any corrupt payload
 * ({@code hash_mismatch}), and the publisher then sends the snapshot whole. Nothing is trusted
 * on a digest alone.
 *
 * <p>This class holds the shared definitions and the publisher's side; the subscriber's side
 * is {@link PageDeltaInputStream}.
 */
public final class PageDelta {
    /** Tag of the subscriber's frame naming the pages it needs. */
    public static final String NEED = "NED2";
    /**
     * Most pages a snapshot or a served database may have for the encoding to be used (4 GiB
     * at 4 KiB pages): bounds the subscriber's page index and the need frame (128 KiB).
     */
    public static final long MAX_PAGES = 1L << 20;
    /** Bytes of one page digest on the wire. */
    public static final int DIGEST_LENGTH = 8;
    private static final int HEADER_LENGTH = 100;
    private static final int BUFFER = 64 * 1024;

    private PageDelta() {
    }

    /**
     * @param n a candidate page size
     * @return whether it is a valid SQLite page size: a power of two from 512 to 65536
     */
    public static boolean isPageSize(long n) {
        return n >= 512 && n <= 65536 && Long.bitCount(n) == 1;
    }

    /**
     * @param size a file's size
     * @param pageSize a page size
     * @return whether the encoding can work on such a file: a valid page size, and a whole,
     *     non-empty number of pages, at most {@link #MAX_PAGES}
     */
    public static boolean fits(long size, int pageSize) {
        return isPageSize(pageSize) && size >= pageSize && size % pageSize == 0 && size / pageSize <= MAX_PAGES;
    }

    /**
     * The page size the encoding can work in for a database of {@code size} bytes whose first
     * bytes are {@code header}, or 0 when it cannot: not an SQLite file, a size that is not a
     * whole number of pages, or more than {@link #MAX_PAGES} pages.
     *
     * @param header the database's first bytes (at least 100 for a usable answer)
     * @param size the database's size
     * @return the page size, or 0
     */
    public static int usablePageSize(byte[] header, long size) {
        if (header.length < HEADER_LENGTH || !startsWithSqliteMagic(header)) {
            return 0;
        }
        int raw = ((header[16] & 0xFF) << 8) | (header[17] & 0xFF);
        int pageSize = raw == 1 ? 65536 : raw;
        return fits(size, pageSize) ? pageSize : 0;
    }

    /**
     * Reads the header from {@code in} (which it does not close) and returns
     * {@link #usablePageSize(byte[], long)}.
     *
     * @param in the database's bytes from the start
     * @param size the database's size
     * @return the page size, or 0
     * @throws IOException if reading fails
     */
    public static int usablePageSize(InputStream in, long size) throws IOException {
        return usablePageSize(in.readNBytes(HEADER_LENGTH), size);
    }

    private static boolean startsWithSqliteMagic(byte[] header) {
        byte[] magic = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < magic.length; i++) {
            if (header[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param page a buffer holding a page
     * @param off where the page starts
     * @param len the page size
     * @return the page's digest
     */
    public static long digest(byte[] page, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(page, off, len);
        CRC32 d = new CRC32();
        d.update(page, off, len);
        return (c.getValue() << 32) | d.getValue();
    }

    /** Opens the snapshot's bytes from the start; called once per pass. */
    @FunctionalInterface
    public interface Source {
        /** @return a new stream over the whole snapshot */
        InputStream open() throws IOException;

        /**
         * The digest of every page; by default computed with one pass over {@link #open()}. A
         * source pushed to many subscribers may compute them once and keep them (8 bytes a page).
         *
         * @param size the snapshot's size
         * @param pageSize its page size
         * @return one digest per page
         * @throws IOException if reading fails
         */
        default long[] digests(long size, int pageSize) throws IOException {
            return PageDelta.digests(this, size, pageSize);
        }
    }

    /**
     * @param source the snapshot
     * @param size its size (a whole number of pages, at most {@link #MAX_PAGES})
     * @param pageSize its page size
     * @return the digest of every page, from one pass over the source
     * @throws IOException if reading fails or the source is shorter than {@code size}
     */
    public static long[] digests(Source source, long size, int pageSize) throws IOException {
        long[] out = new long[(int) (size / pageSize)];
        byte[] page = new byte[pageSize];
        try (InputStream file = new BufferedInputStream(source.open(), BUFFER)) {
            for (int i = 0; i < out.length; i++) {
                readPage(file, page, i);
                out[i] = digest(page, 0, pageSize);
            }
        }
        return out;
    }

    /**
     * The publisher's side, after an answer that chose {@code pages}: sends the digests, reads
     * the need frame, sends the needed pages. Leaves {@code out} open.
     *
     * @param source the snapshot
     * @param size its size (a whole number of pages)
     * @param pageSize its page size
     * @param in what the subscriber sends, positioned after its answer
     * @param out what we send
     * @param offset the stream offset of the need frame in {@code in}, for error messages
     * @return how many pages were sent
     * @throws ProtocolException if the need frame is malformed
     * @throws IOException if reading the snapshot or the stream fails
     */
    public static long send(Source source, long size, int pageSize, InputStream in, OutputStream out, long offset)
            throws IOException {
        long pages = size / pageSize;
        byte[] page = new byte[pageSize];
        OutputStream buffered = new BufferedOutputStream(PayloadWriter.keepOpen(out), BUFFER);
        byte[] digest = new byte[DIGEST_LENGTH];
        long[] digests = source.digests(size, pageSize);
        if (digests.length != pages) {
            throw new IOException("the snapshot has " + digests.length + " page digests, not " + pages);
        }
        for (long d : digests) {
            for (int b = 0; b < DIGEST_LENGTH; b++) {
                digest[b] = (byte) (d >>> (56 - 8 * b));
            }
            buffered.write(digest);
        }
        buffered.flush();
        int bitmapLength = bitmapLength(pages);
        byte[] need = V2Frame.read(in, NEED, bitmapLength, offset);
        if (need.length != bitmapLength) {
            throw new ProtocolException(offset, NEED + " frame holds " + need.length + " bytes; " + pages
                    + " pages need a bitmap of " + bitmapLength);
        }
        int spare = (int) (bitmapLength * 8L - pages);
        if (spare > 0 && (need[bitmapLength - 1] & ((1 << spare) - 1)) != 0) {
            throw new ProtocolException(offset, NEED + " frame sets bits past the last page");
        }
        long sent = 0;
        // needed pages only: runs of them come through the buffer, the pages between are skipped
        try (InputStream file = new BufferedInputStream(source.open(), BUFFER)) {
            long at = 0;
            for (long i = 0; i < pages; i++) {
                if (isSet(need, i)) {
                    file.skipNBytes((i - at) * pageSize);
                    readPage(file, page, i);
                    at = i + 1;
                    buffered.write(page);
                    sent++;
                }
            }
        }
        buffered.flush();
        return sent;
    }

    private static void readPage(InputStream file, byte[] page, long index) throws IOException {
        int n = file.readNBytes(page, 0, page.length);
        if (n != page.length) {
            throw new IOException("the snapshot ended inside page " + index);
        }
    }

    /**
     * @param pages a page count
     * @return the need bitmap's length in bytes
     */
    public static int bitmapLength(long pages) {
        return (int) ((pages + 7) / 8);
    }

    /**
     * @param bitmap a need bitmap
     * @param page a page index
     * @return whether the page's bit is set (bit 7 of byte 0 is page 0)
     */
    public static boolean isSet(byte[] bitmap, long page) {
        return (bitmap[(int) (page >>> 3)] & (0x80 >>> (page & 7))) != 0;
    }

    /**
     * Sets a page's bit.
     *
     * @param bitmap a need bitmap
     * @param page a page index
     */
    public static void set(byte[] bitmap, long page) {
        bitmap[(int) (page >>> 3)] |= (byte) (0x80 >>> (page & 7));
    }
}
