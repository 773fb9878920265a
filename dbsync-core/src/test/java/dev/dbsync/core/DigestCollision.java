package dev.dbsync.core;

import dev.dbsync.core.internal.wire.PageDelta;

/**
 * Builds a page that differs from a given one but has the same {@code pages} digest. Both CRCs
 * are affine over GF(2): for pages of one length, {@code digest(a ^ d) = digest(a) ^ lin(d)}
 * with {@code lin} linear. Among the single-bit changes at {@code 65 or more} chosen positions,
 * some non-empty set has syndromes that cancel: flipping those bits keeps the digest.
 */
final class DigestCollision {
    private DigestCollision() {
    }

    /**
     * @param page a page (not modified)
     * @param from first byte that may change
     * @param to end (exclusive) of the bytes that may change; at least 9 bytes
     * @return a different page with the same digest, differing only in {@code [from, to)}
     */
    static byte[] sameDigest(byte[] page, int from, int to) {
        int bits = Math.min(8 * (to - from), 128);
        if (bits < 65) {
            throw new IllegalArgumentException("needs at least 65 bits to choose from");
        }
        long zero = PageDelta.digest(new byte[page.length], 0, page.length);
        long[] rows = new long[bits];
        // each row: the syndrome of one bit, and which original bits it combines (up to 128)
        long[][] combo = new long[bits][2];
        for (int j = 0; j < bits; j++) {
            byte[] e = new byte[page.length];
            e[from + j / 8] = (byte) (1 << (j % 8));
            rows[j] = PageDelta.digest(e, 0, e.length) ^ zero;
            combo[j][j / 64] = 1L << (j % 64);
        }
        // Gaussian elimination: the first row reduced to 0 names a set of bits whose syndromes cancel
        for (int bit = 63, r = 0; bit >= 0 && r < bits; bit--) {
            int pivot = -1;
            for (int i = r; i < bits; i++) {
                if ((rows[i] >>> bit & 1) != 0) {
                    pivot = i;
                    break;
                }
            }
            if (pivot < 0) {
                continue;
            }
            swap(rows, combo, r, pivot);
            for (int i = 0; i < bits; i++) {
                if (i != r && (rows[i] >>> bit & 1) != 0) {
                    rows[i] ^= rows[r];
                    combo[i][0] ^= combo[r][0];
                    combo[i][1] ^= combo[r][1];
                }
            }
            r++;
        }
        for (int i = 0; i < bits; i++) {
            if (rows[i] == 0 && (combo[i][0] | combo[i][1]) != 0) {
                byte[] out = page.clone();
                for (int j = 0; j < bits; j++) {
                    if ((combo[i][j / 64] >>> (j % 64) & 1) != 0) {
                        out[from + j / 8] ^= (byte) (1 << (j % 8));
                    }
                }
                return out;
            }
        }
        throw new IllegalStateException("no dependent set found (cannot happen with more than 64 bits)");
    }

    private static void swap(long[] rows, long[][] combo, int a, int b) {
        long t = rows[a];
        rows[a] = rows[b];
        rows[b] = t;
        long[] c = combo[a];
        combo[a] = combo[b];
        combo[b] = c;
    }
}
