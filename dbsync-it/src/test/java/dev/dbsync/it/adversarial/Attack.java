package dev.dbsync.it.adversarial;

import dev.dbsync.api.RejectReason;
import dev.dbsync.api.SnapshotMeta;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * One hostile push: what a malicious or broken publisher sends, over v1 or v2, and the reason
 * the subscriber must refuse it with.
 *
 * @param name what the attack does
 * @param alpn the protocol it speaks
 * @param expected the reason the subscriber must record
 * @param script the bytes and timing of the attack
 */
record Attack(String name, String alpn, RejectReason expected, Script script) {
    /** Time a stalling attacker waits for the subscriber to cut it off. */
    static final Duration CUT_OFF_WAIT = Duration.ofSeconds(20);

    /** What the attacker has: a real snapshot of a version newer than the served one. */
    record Material(SnapshotMeta meta, byte[] bytes, SnapshotMeta servedMeta, byte[] olderSnapshot) {
    }

    /** Runs one attack on a fresh connection; returns the subscriber's reply, if any. */
    @FunctionalInterface
    interface Script {
        Optional<HostileClient.Reply> run(HostileClient c, Material m, boolean v2) throws Exception;
    }

    @Override
    public String toString() {
        return name + " over " + (HostileClient.V2.equals(alpn) ? "v2" : "v1");
    }

    /** The tag of the frame that opens a push in this protocol. */
    static String openingTag(boolean v2) {
        return v2 ? "SYN2" : "SYN1";
    }

    /** A first frame carrying {@code meta} the honest way for this protocol. */
    static byte[] header(SnapshotMeta meta, boolean v2, String... encodings) {
        byte[] body = v2 ? HostileClient.offerBody(meta, encodings.length == 0 ? new String[] {"identity"} : encodings)
                : HostileClient.metaJson(meta).getBytes(StandardCharsets.UTF_8);
        return HostileClient.frame(openingTag(v2), body);
    }

    /** Sends a whole header-level attack and waits for the subscriber to end the stream. */
    private static Optional<HostileClient.Reply> headerOnly(HostileClient c, byte[] bytes) throws Exception {
        sendAll(c, bytes);
        Optional<HostileClient.Reply> r = c.readReply(CUT_OFF_WAIT);
        c.awaitEnd(CUT_OFF_WAIT);
        return r;
    }

    /**
     * Offers {@code meta}; in v2 waits for the "send" answer (or returns the refusal), then
     * sends {@code payload} (all of it, unless {@code cut} is non-negative), ends the stream
     * and returns the ack.
     */
    static Optional<HostileClient.Reply> push(HostileClient c, boolean v2, SnapshotMeta meta, byte[] payload,
                                              String encoding) throws Exception {
        c.send(header(meta, v2, encoding));
        if (v2) {
            Optional<HostileClient.Reply> answer = c.readReply(CUT_OFF_WAIT);
            if (answer.isEmpty() || !answer.get().field("action").orElse("").equals("send")) {
                c.endOfStream();
                c.awaitEnd(CUT_OFF_WAIT);
                return answer;
            }
        }
        sendAll(c, payload);
        Optional<HostileClient.Reply> ack = v2 ? c.readReply(CUT_OFF_WAIT) : Optional.empty();
        c.awaitEnd(CUT_OFF_WAIT);
        return ack;
    }

    /**
     * Sends the bytes and ends the stream; a subscriber may abort the stream as soon as it has
     * seen enough to refuse, which fails the rest of the sending.
     */
    private static void sendAll(HostileClient c, byte[] bytes) {
        try {
            c.send(bytes);
            c.endOfStream();
        } catch (IOException | dev.dbsync.api.TransportException refusedEarly) {
            // the verdict is read from the subscriber's status and meters
        }
    }

    static byte[] gzip(byte[] data, long zeros) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
            byte[] block = new byte[1 << 16];
            for (long n = 0; n < zeros; n += block.length) {
                z.write(block);
            }
        }
        return out.toByteArray();
    }

    /** A copy of an SQLite file whose header is intact but whose first table page is broken. */
    static byte[] brokenBtree(byte[] database) {
        byte[] copy = database.clone();
        int pageSize = ByteBuffer.wrap(copy, 16, 2).getShort() & 0xFFFF;
        pageSize = pageSize == 1 ? 65536 : pageSize;
        // page 2 is table t's root: an invalid page type byte and a cell count beyond the page
        copy[pageSize] = 0x07;
        copy[pageSize + 3] = (byte) 0x7F;
        copy[pageSize + 4] = (byte) 0xFF;
        return copy;
    }

    static SnapshotMeta claiming(SnapshotMeta m, byte[] bytes) {
        return new SnapshotMeta(m.version(), SnapshotFiles.sha256(bytes), bytes.length, m.timestamp(), false);
    }

    /** Every single-connection attack of the issue, for one protocol. */
    static List<Attack> all(String alpn) {
        boolean isV2 = HostileClient.V2.equals(alpn);
        List<Attack> a = new ArrayList<>();
        a.add(new Attack("bad magic", alpn, RejectReason.PROTOCOL_ERROR, (c, m, v2) -> {
            byte[] h = header(m.meta(), v2);
            h[3] = '9';
            return headerOnly(c, h);
        }));
        a.add(new Attack("meta length 0", alpn, RejectReason.PROTOCOL_ERROR,
                (c, m, v2) -> headerOnly(c, HostileClient.frame(openingTag(v2), 0, new byte[0]))));
        a.add(new Attack("meta length 4 GiB - 1", alpn, RejectReason.PROTOCOL_ERROR,
                (c, m, v2) -> headerOnly(c, HostileClient.frame(openingTag(v2), 0xFFFF_FFFFL,
                        HostileClient.metaJson(m.meta()).getBytes(StandardCharsets.UTF_8)))));
        a.add(new Attack("meta length longer than the stream", alpn, RejectReason.PROTOCOL_ERROR, (c, m, v2) -> {
            byte[] body = HostileClient.metaJson(m.meta()).getBytes(StandardCharsets.UTF_8);
            return headerOnly(c, HostileClient.frame(openingTag(v2), body.length + 500, body));
        }));
        a.add(new Attack("invalid JSON", alpn, RejectReason.PROTOCOL_ERROR, (c, m, v2) -> headerOnly(c,
                HostileClient.frame(openingTag(v2), "{\"version\":7,,\"hash\":}".getBytes(StandardCharsets.UTF_8)))));
        a.add(new Attack("incomplete JSON", alpn, RejectReason.PROTOCOL_ERROR, (c, m, v2) -> {
            byte[] whole = header(m.meta(), v2);
            byte[] body = Arrays.copyOfRange(whole, 8, 8 + (whole.length - 8) / 2);
            return headerOnly(c, HostileClient.frame(openingTag(v2), body));
        }));
        a.add(new Attack("size lie, declared one byte short", alpn, RejectReason.SIZE_MISMATCH, (c, m, v2) ->
                push(c, v2, withSize(m.meta(), m.bytes().length - 1), m.bytes(), "identity")));
        a.add(new Attack("size lie, declared one byte long", alpn, RejectReason.SIZE_MISMATCH, (c, m, v2) ->
                push(c, v2, withSize(m.meta(), m.bytes().length + 1), m.bytes(), "identity")));
        a.add(new Attack("hash lie", alpn, RejectReason.HASH_MISMATCH, (c, m, v2) -> push(c, v2,
                new SnapshotMeta(m.meta().version(), SnapshotFiles.sha256(m.olderSnapshot()), m.meta().size(),
                        m.meta().timestamp(), false),
                m.bytes(), "identity")));
        a.add(new Attack("one flipped payload byte", alpn, RejectReason.HASH_MISMATCH, (c, m, v2) -> {
            byte[] flipped = m.bytes().clone();
            flipped[flipped.length / 2] ^= 0x01;
            return push(c, v2, m.meta(), flipped, "identity");
        }));
        a.add(new Attack("truncated stream", alpn, RejectReason.SIZE_MISMATCH, (c, m, v2) ->
                push(c, v2, m.meta(), Arrays.copyOf(m.bytes(), m.bytes().length / 2), "identity")));
        a.add(new Attack("gzip bomb (64 MiB of zeros past the declared size)", alpn, RejectReason.SIZE_MISMATCH,
                (c, m, v2) -> push(c, v2, v2 ? m.meta() : m.meta().withCompressed(true), gzip(m.bytes(), 64L << 20),
                        "gzip")));
        a.add(new Attack("random garbage", alpn, RejectReason.PROTOCOL_ERROR, (c, m, v2) -> {
            byte[] junk = new byte[256 * 1024];
            new Random(42).nextBytes(junk);
            junk[0] = 'J';
            return headerOnly(c, junk);
        }));
        a.add(new Attack("stall mid-payload", alpn, RejectReason.STALLED, (c, m, v2) -> {
            c.send(header(m.meta(), v2));
            if (v2) {
                HostileClient.Reply answer = c.readReply(CUT_OFF_WAIT).orElseThrow();
                if (!answer.field("action").orElse("").equals("send")) {
                    return Optional.of(answer);
                }
            }
            c.send(m.bytes(), 0, m.bytes().length / 3);
            // then nothing: the subscriber must cut us off by itself
            Optional<HostileClient.Reply> r = v2 ? c.readReply(CUT_OFF_WAIT) : Optional.empty();
            c.awaitEnd(CUT_OFF_WAIT);
            return r;
        }));
        a.add(new Attack("verified bytes that are not SQLite", alpn, RejectReason.CORRUPT_DATABASE, (c, m, v2) -> {
            byte[] junk = new byte[m.bytes().length];
            new Random(7).nextBytes(junk);
            return push(c, v2, claiming(m.meta(), junk), junk, "identity");
        }));
        a.add(new Attack("SQLite file failing quick_check", alpn, RejectReason.CORRUPT_DATABASE, (c, m, v2) -> {
            byte[] broken = brokenBtree(m.bytes());
            return push(c, v2, claiming(m.meta(), broken), broken, "identity");
        }));
        a.add(new Attack("older version replayed", alpn, RejectReason.STALE_VERSION, (c, m, v2) -> {
            SnapshotMeta old = new SnapshotMeta(m.servedMeta().version() - 1, SnapshotFiles.sha256(m.olderSnapshot()),
                    m.olderSnapshot().length, m.meta().timestamp(), false);
            return push(c, v2, old, m.olderSnapshot(), "identity");
        }));
        a.add(new Attack("served version replayed with other content", alpn, RejectReason.STALE_VERSION,
                (c, m, v2) -> push(c, v2, new SnapshotMeta(m.servedMeta().version(), m.meta().hash(), m.meta().size(),
                        m.meta().timestamp(), false), m.bytes(), "identity")));
        if (isV2) {
            a.add(new Attack("a second offer where the payload belongs", alpn, RejectReason.HASH_MISMATCH,
                    (c, m, v2) -> {
                        byte[] again = Arrays.copyOf(header(m.meta(), true), m.bytes().length);
                        return push(c, true, m.meta(), again, "identity");
                    }));
        }
        return a;
    }

    private static SnapshotMeta withSize(SnapshotMeta m, long size) {
        return new SnapshotMeta(m.version(), m.hash(), size, m.timestamp(), false);
    }
}
