package dev.dbsync.it.adversarial;

import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A publisher that speaks the wire protocol byte by byte, written from docs/protocol.md and
 * independent of our codec, so it can break every rule: one connection, one stream.
 */
final class HostileClient implements AutoCloseable {
    static final String V1 = "horos-dbsync-v1";
    static final String V2 = "horos-dbsync-v2";

    /** Readers of replies; not the common pool, which has one thread on two cores. */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-reader");
        t.setDaemon(true);
        return t;
    });

    private final TransportConnection connection;
    private final TransportStream stream;

    private HostileClient(TransportConnection connection) {
        this.connection = connection;
        this.stream = connection.openStream();
    }

    static HostileClient dial(Transport transport, Endpoint endpoint, TlsSettings tls, String alpn) {
        TransportConnection c = transport.dial(endpoint, tls, List.of(alpn), TransportOptions.builder()
                .connectTimeout(Duration.ofSeconds(10)).build());
        try {
            return new HostileClient(c);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** @return {@code tag | u32 length | body} with any tag and any declared length */
    static byte[] frame(String tag, long declaredLength, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length);
        b.put(tag.getBytes(StandardCharsets.ISO_8859_1));
        b.putInt((int) declaredLength);
        b.put(body);
        return b.array();
    }

    static byte[] frame(String tag, byte[] body) {
        return frame(tag, body.length, body);
    }

    /** The meta JSON of §2, written by hand. */
    static String metaJson(SnapshotMeta m) {
        return "{\"version\":" + m.version() + ",\"hash\":\"" + m.hash() + "\",\"size\":" + m.size() + ",\"timestamp\":"
                + m.timestamp() + ",\"compressed\":" + m.compressed() + "}";
    }

    /** A v2 offer body for the given encodings. */
    static byte[] offerBody(SnapshotMeta m, String... encodings) {
        String json = metaJson(m.withCompressed(false));
        StringBuilder enc = new StringBuilder();
        for (String e : encodings) {
            enc.append(enc.length() == 0 ? "" : ",").append('"').append(e).append('"');
        }
        return (json.substring(0, json.length() - 1) + ",\"encodings\":[" + enc + "],\"payload\":\"full\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    void send(byte[] bytes) throws IOException {
        stream.output().write(bytes);
        stream.output().flush();
    }

    void send(byte[] bytes, int off, int len) throws IOException {
        stream.output().write(bytes, off, len);
        stream.output().flush();
    }

    /** Sends end of stream (half-close). */
    void endOfStream() throws IOException {
        stream.output().close();
    }

    /** A frame the subscriber sent. */
    record Reply(String tag, String json) {
        Optional<String> field(String name) {
            Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\"([^\"]*)\"|true|false|-?\\d+)").matcher(json);
            if (!m.find()) {
                return Optional.empty();
            }
            return Optional.of(m.group(2) != null ? m.group(2) : m.group(1));
        }
    }

    /**
     * Reads one frame, or what the stream ended with, within a bounded time.
     *
     * @return the frame; empty at end of stream or when the stream was aborted
     */
    Optional<Reply> readReply(Duration timeout) throws InterruptedException {
        CompletableFuture<Optional<Reply>> f = CompletableFuture.supplyAsync(() -> {
            try {
                InputStream in = stream.input();
                byte[] head = in.readNBytes(8);
                if (head.length < 8) {
                    return Optional.empty();
                }
                int len = ByteBuffer.wrap(head, 4, 4).getInt();
                if (len < 0 || len > 65536) {
                    throw new IllegalStateException("reply length " + len);
                }
                byte[] body = in.readNBytes(len);
                return Optional.of(new Reply(new String(head, 0, 4, StandardCharsets.ISO_8859_1),
                        new String(body, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                return Optional.empty();
            }
        }, READERS);
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("reading the reply failed", e.getCause());
        } catch (TimeoutException e) {
            stream.abort(1);
            throw new AssertionError("no reply within " + timeout);
        }
    }

    /** Waits until the subscriber ends or aborts its side of the stream, draining any bytes. */
    void awaitEnd(Duration timeout) throws InterruptedException {
        CompletableFuture<Void> f = CompletableFuture.runAsync(() -> {
            try {
                stream.input().transferTo(new ByteArrayOutputStream());
            } catch (IOException e) {
                // aborted: also an end
            }
        }, READERS);
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            stream.abort(1);
            throw new AssertionError("the subscriber did not end the stream within " + timeout);
        }
    }

    void abort() {
        stream.abort(1);
    }

    @Override
    public void close() {
        try {
            stream.close();
        } finally {
            connection.close();
        }
    }
}
