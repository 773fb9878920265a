package dev.dbsync.core.internal.wire;

import dev.dbsync.api.ProtocolException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;

/**
 * The subscriber's side of the {@link PageDelta pages} encoding: yields the new snapshot's
 * bytes, page by page, from the served database (the base) and from the pages the publisher
 * sends. On the first read it indexes the base's pages by digest, reads the publisher's
 * digests, and sends the need frame. It checks nothing about the result: the caller verifies
 * size and SHA-256 as for any payload ({@link PayloadReader}).
 *
 * <p>Memory: 12 bytes per base page and 4 per new page (both at most {@link PageDelta#MAX_PAGES}),
 * one buffer of 64 KiB (or one page if larger). The base is a {@link RandomAccessFile} the caller opened and closes: swaps
 * rename over the database, so an open file keeps the bytes it was opened on. It may be shared
 * with other readers (the subscriber's one descriptor of its served file): each seek and read
 * runs under the file's lock.
 */
public final class PageDeltaInputStream extends InputStream {
    /** Consecutive pages from one place are read in runs of up to this many bytes. */
    private static final int RUN_BYTES = 64 * 1024;
    private final InputStream wire;
    private final OutputStream reply;
    private final RandomAccessFile base;
    private final long basePages;
    private final int pageSize;
    private final long pages;
    private final long wireOffset;
    private final byte[] page;
    private final byte[] one = new byte[1];
    /** For each new page, the base page it is copied from, or -1 when the publisher sends it. */
    private int[] from;
    private long next;
    private int pos;
    private int limit;
    private long pagesReceived;
    private boolean ended;

    /**
     * @param wire what the publisher sends, positioned after our answer
     * @param reply where the need frame goes (flushed, left open)
     * @param base the served database, open for reading
     * @param baseSize its size (a whole number of pages of {@code pageSize})
     * @param pageSize the page size of both files
     * @param size the new snapshot's size (a whole number of pages)
     * @param wireOffset the stream offset of the first byte after the answer, for messages
     */
    public PageDeltaInputStream(InputStream wire, OutputStream reply, RandomAccessFile base, long baseSize,
                                int pageSize, long size, long wireOffset) {
        if (!PageDelta.fits(baseSize, pageSize) || !PageDelta.fits(size, pageSize)) {
            throw new IllegalArgumentException("the pages encoding does not apply: page size " + pageSize
                    + ", base " + baseSize + " bytes, snapshot " + size + " bytes");
        }
        this.wire = wire;
        this.reply = reply;
        this.base = base;
        this.basePages = baseSize / pageSize;
        this.pageSize = pageSize;
        this.pages = size / pageSize;
        this.wireOffset = wireOffset;
        this.page = new byte[Math.max(pageSize, RUN_BYTES)];
    }

    /** @return how many pages the publisher sent so far (the rest came from the base) */
    public long pagesReceived() {
        return pagesReceived;
    }

    /** @return how many pages the new snapshot has */
    public long pages() {
        return pages;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (from == null) {
            exchangeDigests();
        }
        if (pos == limit) {
            if (ended) {
                return -1;
            }
            if (next == pages) {
                if (wire.read() >= 0) {
                    throw new PayloadSizeException(wireOffset(), "the publisher sent more than the "
                            + pagesReceived + " pages that were needed");
                }
                ended = true;
                return -1;
            }
            fill();
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(page, pos, b, off, n);
        pos += n;
        return n;
    }

    private long wireOffset() {
        return wireOffset + pages * PageDelta.DIGEST_LENGTH + pagesReceived * pageSize;
    }

    /** Fills the buffer with the next run of pages from one place: consecutive base pages, or sent ones. */
    private void fill() throws IOException {
        int first = from[(int) next];
        int room = page.length / pageSize;
        int run = 1;
        while (run < room && next + run < pages && (first >= 0 ? from[(int) (next + run)] == first + run
                : from[(int) (next + run)] < 0)) {
            run++;
        }
        int bytes = run * pageSize;
        if (first >= 0) {
            synchronized (base) {
                base.seek((long) first * pageSize);
                base.readFully(page, 0, bytes);
            }
        } else {
            int n = wire.readNBytes(page, 0, bytes);
            if (n < bytes) {
                throw new PayloadSizeException(wireOffset() + n, "payload truncated: the stream ended inside page "
                        + (next + n / pageSize) + " (" + n % pageSize + " of " + pageSize + " bytes)");
            }
            pagesReceived += run;
        }
        next += run;
        pos = 0;
        limit = bytes;
    }

    private void exchangeDigests() throws IOException {
        DigestIndex index = indexBase();
        int[] map = new int[(int) pages];
        byte[] need = new byte[PageDelta.bitmapLength(pages)];
        byte[] digests = new byte[64 * 1024];
        long done = 0;
        while (done < pages) {
            int want = (int) Math.min(digests.length / PageDelta.DIGEST_LENGTH, pages - done) * PageDelta.DIGEST_LENGTH;
            int n = wire.readNBytes(digests, 0, want);
            if (n < want) {
                throw new ProtocolException(wireOffset + done * PageDelta.DIGEST_LENGTH + n,
                        "the stream ended inside the page digests (" + (done + n / PageDelta.DIGEST_LENGTH)
                                + " of " + pages + ")");
            }
            for (int i = 0; i < n; i += PageDelta.DIGEST_LENGTH) {
                long d = 0;
                for (int k = 0; k < PageDelta.DIGEST_LENGTH; k++) {
                    d = (d << 8) | (digests[i + k] & 0xFF);
                }
                int at = index.find(d);
                map[(int) done] = at;
                if (at < 0) {
                    PageDelta.set(need, done);
                }
                done++;
            }
        }
        V2Frame.write(reply, PageDelta.NEED, need);
        from = map;
    }

    private DigestIndex indexBase() throws IOException {
        DigestIndex index = new DigestIndex(basePages);
        byte[] buf = new byte[Math.max(pageSize, 64 * 1024)];
        int perRead = buf.length / pageSize;
        for (long p = 0; p < basePages; p += perRead) {
            int count = (int) Math.min(perRead, basePages - p);
            synchronized (base) {
                base.seek(p * pageSize);
                base.readFully(buf, 0, count * pageSize);
            }
            for (int k = 0; k < count; k++) {
                index.putIfAbsent(PageDelta.digest(buf, k * pageSize, pageSize), (int) (p + k));
            }
        }
        return index;
    }

    /** Digest → first base page with that digest; open addressing, no boxing. */
    private static final class DigestIndex {
        private final long[] keys;
        private final int[] values;
        private final boolean[] used;
        private final int mask;

        DigestIndex(long entries) {
            int capacity = Integer.highestOneBit((int) Math.max(16, entries * 2 - 1)) << 1;
            keys = new long[capacity];
            values = new int[capacity];
            used = new boolean[capacity];
            mask = capacity - 1;
        }

        private int slot(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h >>> 33) & mask;
        }

        void putIfAbsent(long key, int value) {
            int i = slot(key);
            while (used[i]) {
                if (keys[i] == key) {
                    return;
                }
                i = (i + 1) & mask;
            }
            used[i] = true;
            keys[i] = key;
            values[i] = value;
        }

        int find(long key) {
            int i = slot(key);
            while (used[i]) {
                if (keys[i] == key) {
                    return values[i];
                }
                i = (i + 1) & mask;
            }
            return -1;
        }
    }
}
